import { ENCODING_AES_KEY_PATTERN } from '../../../libs/wechat/src/push/push-message-cipher';

/** The local stack's push settings (wechat-sandbox.md), shared with the backend's defaults there. */
export const SANDBOX_PUSH_TOKEN = 'sandbox-push-token';
export const SANDBOX_PUSH_ENCODING_AES_KEY = 'sandboxEncodingAesKey0123456789abcdefghijkl';

/** Where and how the sandbox pushes events, as the mini-program console's message push settings say. */
export interface WechatPushSandboxOptions {
  /** The backend's push URL; nothing is pushed without it. */
  url?: string;
  token: string;
  /** 43 characters; used in safe mode. */
  encodingAesKey: string;
  /** `safe`: encrypted (`encrypt_type=aes`, `msg_signature`); `plain`: signed only. */
  mode: 'safe' | 'plain';
  /** The mini-program's original id, sent as `ToUserName`; `gh_sandbox` by default. */
  originalId?: string;
  /** Wait before each of WeChat's 3 retries of a delivery not answered `success`; 5000 ms by default. */
  retryDelayMs?: number;
  /** How long one attempt may take; WeChat waits 5 s. */
  timeoutMs?: number;
}

/** Push settings from the environment; throws an error naming the bad variable. */
export function readPushConfig(env: Record<string, string | undefined>): WechatPushSandboxOptions {
  const encodingAesKey = env.SANDBOX_PUSH_ENCODING_AES_KEY || SANDBOX_PUSH_ENCODING_AES_KEY;
  if (!ENCODING_AES_KEY_PATTERN.test(encodingAesKey)) {
    throw new Error('SANDBOX_PUSH_ENCODING_AES_KEY must be 43 characters of [A-Za-z0-9+/]');
  }
  const mode = env.SANDBOX_PUSH_MODE || 'safe';
  if (mode !== 'safe' && mode !== 'plain') throw new Error(`SANDBOX_PUSH_MODE must be safe or plain, got "${mode}"`);
  const url = env.SANDBOX_PUSH_URL || undefined;
  if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) throw new Error(`SANDBOX_PUSH_URL must be an http(s) URL, got "${url}"`);
  const retry = env.SANDBOX_PUSH_RETRY_SECONDS;
  if (retry !== undefined && retry !== '' && !/^\d+(\.\d+)?$/.test(retry)) {
    throw new Error(`SANDBOX_PUSH_RETRY_SECONDS must be a number of seconds, got "${retry}"`);
  }
  return {
    url,
    token: env.SANDBOX_PUSH_TOKEN || SANDBOX_PUSH_TOKEN,
    encodingAesKey,
    mode,
    originalId: env.SANDBOX_PUSH_ORIGINAL_ID || undefined,
    retryDelayMs: retry ? Number(retry) * 1000 : undefined,
  };
}
