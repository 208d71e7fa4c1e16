import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { SandboxReply } from '../wechat-api';
import { randomAlphanumeric } from './pay-ids';

/**
 * WeChat Pay's side of the signatures: the platform key pair that signs every response and
 * notification (`Wechatpay-Signature` over `timestamp\nnonce\nbody\n`), which the backend verifies.
 */
export class PlatformSigner {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  /** Generates a 2048-bit RSA key pair unless `privateKey` (PEM or KeyObject) is given. */
  constructor(
    readonly serialNo: string,
    private readonly now: () => number,
    privateKey?: string | KeyObject,
  ) {
    if (typeof privateKey === 'string') this.privateKey = createPrivateKey(privateKey);
    else this.privateKey = privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.publicKey = createPublicKey(this.privateKey);
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The `Wechatpay-*` headers for a message whose body is `body`. */
  signatureHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = randomAlphanumeric(32);
    const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), this.privateKey);
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature.toString('base64'),
      'Wechatpay-Serial': this.serialNo,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  /** `reply` serialised once and signed, so the bytes sent are the bytes signed. */
  signReply(reply: SandboxReply): SandboxReply {
    const body = reply.rawBody?.toString() ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    return {
      ...reply,
      rawBody: body,
      headers: { ...reply.headers, ...this.signatureHeaders(body), 'Request-ID': randomAlphanumeric(32) },
    };
  }
}
