import { KeyObject, verify } from 'node:crypto';
import { SandboxReply, SandboxRequest } from '../wechat-api';
import { payError } from './pay-error';

const SCHEME = 'WECHATPAY2-SHA256-RSA2048 ';
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** The merchant the sandbox accepts requests from. */
export interface MerchantIdentity {
  mchId: string;
  publicKey: KeyObject;
  /** When set, the `serial_no` of the Authorization header must be this. */
  serialNo?: string;
}

/**
 * Undefined when the request carries a valid `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",
 * nonce_str="..",signature="..",timestamp="..",serial_no=".."` over
 * `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, else WeChat Pay's 401 SIGN_ERROR.
 */
export function rejectMerchantSignature(request: SandboxRequest, merchant: MerchantIdentity, now: number): SandboxReply | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith(SCHEME)) {
    return signError('Authorization 头缺失或认证类型不是 WECHATPAY2-SHA256-RSA2048');
  }
  const fields = new Map([...header.slice(SCHEME.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const [mchid, nonce, signature, timestamp, serialNo] = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'].map((name) => fields.get(name));
  if (!mchid || !nonce || !signature || !timestamp || !serialNo) return signError('Authorization 头缺少字段');
  if (mchid !== merchant.mchId) return signError(`商户号 ${mchid} 不存在`);
  if (merchant.serialNo && serialNo !== merchant.serialNo) return signError('商户证书序列号不正确');
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return signError('请求时间戳与当前时间相差过大');
  }
  const message = `${request.method}\n${request.target}\n${timestamp}\n${nonce}\n${request.body}\n`;
  if (!verify('sha256', Buffer.from(message), merchant.publicKey, Buffer.from(signature, 'base64'))) {
    return signError('签名错误');
  }
  return undefined;
}

function signError(message: string): SandboxReply {
  return payError(401, 'SIGN_ERROR', message);
}
