import { OpenApiValidator } from './openapi-validator';

/** A request of the contract test. */
export interface ContractRequest {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A response of the contract test, checked against the document. */
export interface ContractReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  bytes: Buffer;
}

/**
 * Sends requests through the load balancer and checks each response against the API document. A response that does
 * not conform is recorded in `mismatches` (the flow goes on, so one run shows every mismatch); so is a request body
 * the code accepted but the document's request schema refuses, or a response without X-Request-Id.
 */
export class ContractClient {
  readonly mismatches: string[] = [];
  /** Operations requests were sent to (whether or not their answers conformed). */
  readonly called = new Set<string>();

  constructor(
    private readonly baseUrl: () => string,
    readonly validator: OpenApiValidator,
  ) {}

  get = <T = any>(path: string, request: ContractRequest = {}) => this.send<T>('GET', path, request);
  post = <T = any>(path: string, request: ContractRequest = {}) => this.send<T>('POST', path, request);
  patch = <T = any>(path: string, request: ContractRequest = {}) => this.send<T>('PATCH', path, request);
  put = <T = any>(path: string, request: ContractRequest = {}) => this.send<T>('PUT', path, request);
  delete = <T = any>(path: string, request: ContractRequest = {}) => this.send<T>('DELETE', path, request);

  async send<T = any>(method: string, path: string, request: ContractRequest = {}): Promise<ContractReply<T>> {
    // A POST with X-HTTP-Method-Override (what a mini-program sends for PATCH) is routed, so validated, as that method.
    const override = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-http-method-override')?.[1];
    const routed = method === 'POST' && override ? override.toUpperCase() : method;
    const operation = this.validator.findOperation(routed, path);
    if (operation) this.called.add(operation);
    const reply = await this.exchange<T>(method, path, request);
    this.check(routed, path, request, reply, () =>
      this.validator.validate({ method: routed, url: path, status: reply.status, contentType: reply.headers.get('content-type'), body: reply.body }),
    );
    return reply;
  }

  /** A request to a path no operation has: the answer must be the error envelope with ROUTE_NOT_FOUND. */
  async unknownRoute(method: string, path: string, request: ContractRequest = {}): Promise<ContractReply> {
    const reply = await this.exchange(method, path, request);
    this.check(method, path, request, reply, () =>
      this.validator.validateUnrouted({ method, url: path, status: reply.status, contentType: reply.headers.get('content-type'), body: reply.body }),
    );
    return reply;
  }

  private check(method: string, path: string, request: ContractRequest, reply: ContractReply, validate: () => void): void {
    try {
      validate();
    } catch (error) {
      this.mismatches.push((error as Error).message);
    }
    const requestId = reply.headers.get('x-request-id');
    if (!requestId) this.mismatches.push(`${method} ${path} → ${reply.status}: no X-Request-Id`);
    const body = reply.body as { requestId?: unknown } | undefined;
    if (reply.status >= 400 && typeof body === 'object' && body && body.requestId !== requestId) {
      this.mismatches.push(`${method} ${path} → ${reply.status}: requestId ${String(body.requestId)} is not the X-Request-Id ${requestId}`);
    }
    if (reply.status < 300 && request.json !== undefined) {
      const errors = this.validator.requestErrors(method, path, request.json);
      if (errors.length) this.mismatches.push(`${method} ${path} → ${reply.status}: the code accepted a body the document refuses: ${errors.join('; ')}`);
    }
  }

  private async exchange<T>(method: string, path: string, request: ContractRequest): Promise<ContractReply<T>> {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let body: string | Buffer | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] ??= 'application/json';
    } else if (request.raw !== undefined) {
      body = request.raw;
      if (request.contentType) headers['content-type'] = request.contentType;
    }
    const response = await fetch(`${this.baseUrl()}${path}`, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown = bytes.length ? bytes.toString('utf8') : undefined;
    if (/[/+]json/i.test(type) && bytes.length) {
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        this.mismatches.push(`${method} ${path} → ${response.status}: content-type ${type} but the body is not JSON: ${bytes.toString('utf8').slice(0, 200)}`);
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T, bytes };
  }
}
