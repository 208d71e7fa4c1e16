import { Injectable } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { decryptResource, EncryptedResource, verifyWechatpaySignature } from '../helpers/wechat-pay-crypto';
import { WECHATPAY_MAX_CLOCK_SKEW_SECONDS, WechatPayClient } from './wechat-pay.client';

/** A notification that passed every check, with its decrypted resource. */
export interface VerifiedNotification {
  id: string;
  eventType: string;
  /** `transaction` or `refund`: what the resource is. */
  resourceType: string;
  resource: Record<string, unknown>;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Refusal reasons are logged in full; the caller (WeChat Pay, or whoever forged the call) learns only the code. */
function refuse(code: 'PAYMENT_SIGNATURE_INVALID' | 'PAYMENT_NOTIFICATION_INVALID', reason: string): AppError {
  return new AppError(code, code === 'PAYMENT_SIGNATURE_INVALID' ? 'Signature verification failed' : 'Notification refused', [{ message: reason }]);
}

/**
 * Checks a WeChat Pay notification before anything is believed: the RSA-SHA256 signature over the raw body with the
 * key its `Wechatpay-Serial` names (WeChat Pay public key or platform certificate), a timestamp within 300 s, and the
 * AEAD_AES_256_GCM resource decrypting (tag checked) with the APIv3 key.
 */
@Injectable()
export class WechatPayNotifications {
  constructor(private readonly client: WechatPayClient) {}

  verify(headers: Headers, rawBody: string | undefined, now = Date.now()): VerifiedNotification {
    const settings = this.client.require();
    const [timestamp, nonce, signature, serial] = ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'].map((name) =>
      header(headers, name),
    );
    if (rawBody === undefined || !timestamp || !nonce || !signature || !serial)
      throw refuse('PAYMENT_SIGNATURE_INVALID', 'missing Wechatpay-* headers or body');
    const key = settings.keyring.find(serial);
    if (!key) throw refuse('PAYMENT_SIGNATURE_INVALID', `unknown Wechatpay-Serial ${serial.slice(0, 64)}`);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > WECHATPAY_MAX_CLOCK_SKEW_SECONDS) {
      throw refuse('PAYMENT_SIGNATURE_INVALID', `timestamp ${timestamp.slice(0, 16)} is not within ${WECHATPAY_MAX_CLOCK_SKEW_SECONDS} s`);
    }
    if (!verifyWechatpaySignature(key, timestamp, nonce, rawBody, signature)) throw refuse('PAYMENT_SIGNATURE_INVALID', 'signature does not verify');

    const envelope = parseObject(rawBody);
    const resource = envelope?.resource as EncryptedResource | undefined;
    if (!envelope || typeof envelope.id !== 'string' || typeof envelope.event_type !== 'string' || typeof resource !== 'object' || resource === null) {
      throw refuse('PAYMENT_NOTIFICATION_INVALID', 'not a notification envelope');
    }
    let plaintext: string;
    try {
      plaintext = decryptResource(settings.apiV3Key, resource);
    } catch (error) {
      throw refuse('PAYMENT_NOTIFICATION_INVALID', `resource does not decrypt: ${(error as Error).message}`);
    }
    const decrypted = parseObject(plaintext);
    if (!decrypted) throw refuse('PAYMENT_NOTIFICATION_INVALID', 'decrypted resource is not a JSON object');
    return { id: envelope.id.slice(0, 64), eventType: envelope.event_type, resourceType: String(resource.associated_data ?? ''), resource: decrypted };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
