import { SandboxReply } from '../wechat-api';
import { paramError } from './pay-error';

/** The fields of a `POST /v3/pay/transactions/jsapi` body the sandbox uses. */
export interface JsapiOrderRequest {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  attach?: string;
  total: number;
  openid: string;
}

const OUT_TRADE_NO = /^[A-Za-z0-9_\-|*]{6,32}$/;

/** The order a JSAPI body asks for, or WeChat Pay's PARAM_ERROR naming the first bad field. */
export function readJsapiOrder(body: Record<string, unknown>): JsapiOrderRequest | SandboxReply {
  const amount = objectField(body.amount);
  const payer = objectField(body.payer);
  const checks: [string, boolean][] = [
    ['appid', isText(body.appid, 32)],
    ['mchid', isText(body.mchid, 32)],
    ['description', isText(body.description, 127)],
    ['out_trade_no', typeof body.out_trade_no === 'string' && OUT_TRADE_NO.test(body.out_trade_no)],
    ['notify_url', isText(body.notify_url, 256) && /^https?:\/\/[^?#]+$/.test(body.notify_url as string)],
    ['attach', body.attach === undefined || isText(body.attach, 128)],
    ['amount.total', Number.isInteger(amount.total) && (amount.total as number) > 0],
    ['amount.currency', amount.currency === undefined || amount.currency === 'CNY'],
    ['payer.openid', isText(payer.openid, 128)],
  ];
  const bad = checks.find(([, ok]) => !ok);
  if (bad) return paramError(bad[0]);
  return {
    appid: body.appid as string,
    mchid: body.mchid as string,
    description: body.description as string,
    outTradeNo: body.out_trade_no as string,
    notifyUrl: body.notify_url as string,
    attach: body.attach as string | undefined,
    total: amount.total as number,
    openid: payer.openid as string,
  };
}

function objectField(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function isText(value: unknown, maxLength: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength;
}
