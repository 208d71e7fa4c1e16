import { DEFAULT_SEC_CHECK_WORDS } from './msg-sec-check.handler';
import { DEFAULT_PUBLISHED_PAGES } from './wxacode.handler';
import { readPayConfig } from './pay/pay-config';
import { WechatPaySandboxOptions } from './pay/pay.routes';
import { WechatPushSandboxOptions, readPushConfig } from './push/push-config';

/** The sandbox's settings, as read from the environment by `main.ts`. */
export interface SandboxConfig {
  host: string;
  port: number;
  appId: string;
  appSecret: string;
  tokenTtlSeconds: number;
  secCheckWords: readonly string[];
  publishedPages: readonly string[];
  /** WeChat Pay v3; off unless WECHATPAY_MERCHANT_PUBLIC_KEY_FILE is set. */
  pay?: WechatPaySandboxOptions;
  /** Server push; nothing is pushed unless SANDBOX_PUSH_URL is set. */
  push: WechatPushSandboxOptions;
}

/** Reads and checks the environment; throws an error naming the bad variable. */
export function readSandboxConfig(env: Record<string, string | undefined>): SandboxConfig {
  const words = env.SANDBOX_SEC_CHECK_WORDS;
  return {
    host: env.SANDBOX_HOST || '127.0.0.1',
    port: integer(env, 'SANDBOX_PORT', 3900, 0, 65535),
    appId: env.WECHAT_APP_ID || 'wx-sandbox-app',
    appSecret: env.WECHAT_APP_SECRET || 'sandbox-secret',
    tokenTtlSeconds: integer(env, 'SANDBOX_TOKEN_TTL_SECONDS', 7200, 1, 365 * 24 * 3600),
    secCheckWords: words === undefined ? DEFAULT_SEC_CHECK_WORDS : splitList(words),
    publishedPages: env.SANDBOX_PUBLISHED_PAGES === undefined ? DEFAULT_PUBLISHED_PAGES : splitList(env.SANDBOX_PUBLISHED_PAGES),
    pay: readPayConfig(env),
    push: readPushConfig(env),
  };
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
}
