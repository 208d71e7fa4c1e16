/** A JSON reply as tests look at it. */
export interface JsonReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Options of a test request. */
export interface JsonRequest {
  method?: string;
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** fetch with JSON in and out, for tests. */
export async function requestJson<T = any>(url: string, options: JsonRequest = {}): Promise<JsonReply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Non-JSON bodies (metrics, health text) are returned as text.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
