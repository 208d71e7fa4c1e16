import { SandboxReply } from '../wechat-api';

/** A WeChat Pay v3 error: an HTTP status and `{code, message, detail?}`; `code` is what stats count. */
export function payError(status: number, code: string, message: string, detail?: Record<string, unknown>): SandboxReply {
  return { status, body: detail ? { code, message, detail } : { code, message }, result: code };
}

/** WeChat Pay's 400 for a missing or malformed field of a request body or query. */
export function paramError(field: string, location: 'body' | 'query' = 'body'): SandboxReply {
  return payError(400, 'PARAM_ERROR', `参数错误: ${field}`, { location, field });
}
