import type { RequestPaymentParamsDto } from '../dtos/request-payment-params.dto';
import { createDecipheriv, createPrivateKey, createPublicKey, KeyObject, randomBytes, sign, verify, X509Certificate } from 'node:crypto';

/** The scheme of WeChat Pay v3 request signatures. */
export const WECHATPAY_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

/** The merchant's signing identity. */
export interface MerchantKey {
  mchId: string;
  serialNo: string;
  privateKey: KeyObject;
}

/** A nonce as WeChat Pay examples use: 32 characters of [0-9A-Z]. */
export function newNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The `Authorization` header of a request to WeChat Pay: RSA-SHA256 over `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`. */
export function authorizationHeader(
  merchant: MerchantKey,
  method: string,
  pathAndQuery: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
  nonce = newNonce(),
): string {
  const message = `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
  const signature = sign('sha256', Buffer.from(message, 'utf8'), merchant.privateKey).toString('base64');
  return `${WECHATPAY_SCHEME} mchid="${merchant.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchant.serialNo}"`;
}

/** Whether `signature` (base64) is WeChat Pay's RSA-SHA256 over `TIMESTAMP\nNONCE\nBODY\n` with `publicKey`; `body` is the raw text. */
export function verifyWechatpaySignature(publicKey: KeyObject, timestamp: string, nonce: string, body: string, signature: string): boolean {
  try {
    return verify('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The encrypted `resource` of a notification. */
export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/**
 * Decrypts a notification resource: AEAD_AES_256_GCM with the 32-byte APIv3 key, the resource's nonce and associated
 * data, the 16-byte tag at the end of the ciphertext. Throws when the tag does not match (tampered or wrong key).
 */
export function decryptResource(apiV3Key: string, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') throw new Error(`unsupported algorithm ${resource.algorithm}`);
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** Signs `appId\ntimeStamp\nnonceStr\nprepay_id=...\n` with the merchant key, as the JSAPI / mini-program payment requires. */
export function requestPaymentParams(
  appId: string,
  prepayId: string,
  privateKey: KeyObject,
  timestamp = Math.floor(Date.now() / 1000),
  nonce = newNonce(),
): RequestPaymentParamsDto {
  const pkg = `prepay_id=${prepayId}`;
  const paySign = sign('sha256', Buffer.from(`${appId}\n${timestamp}\n${nonce}\n${pkg}\n`, 'utf8'), privateKey).toString('base64');
  return { timeStamp: String(timestamp), nonceStr: nonce, package: pkg, signType: 'RSA', paySign };
}

/**
 * The keys WeChat Pay signs with, by the serial it names in `Wechatpay-Serial`: the WeChat Pay public key under its
 * id (`PUB_KEY_ID_...`) and each platform certificate under its serial number (during a switch-over both are live).
 */
export class WechatpayKeyring {
  private readonly keys = new Map<string, KeyObject>();

  constructor(options: { publicKeyPem?: string; publicKeyId?: string; certificatesPem?: string }) {
    if (options.publicKeyPem && options.publicKeyId) this.keys.set(options.publicKeyId, createPublicKey(options.publicKeyPem));
    for (const pem of options.certificatesPem?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
      const certificate = new X509Certificate(pem);
      this.keys.set(certificate.serialNumber.toUpperCase(), certificate.publicKey);
    }
  }

  /** The key for `serial`, or undefined when it is not one we trust. */
  find(serial: string): KeyObject | undefined {
    return this.keys.get(serial) ?? this.keys.get(serial.toUpperCase());
  }

  get serials(): string[] {
    return [...this.keys.keys()];
  }
}

/** The merchant's private key from its PEM. */
export function merchantPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}
