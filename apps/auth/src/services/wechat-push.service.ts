import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '#libs/config';
import { WechatPushMessage, wechatPushPattern } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { REDIS } from '#libs/redis';
import { PushCryptoError, PushMessageCipher, pushSignature, pushSignatureMatches } from '#libs/wechat';
import { AuthEnv } from '../config/auth-env';
import { WechatPushMetrics, WechatPushResult } from '../metrics/wechat-push.metrics';

/** The query WeChat signs a push with; every value is a string as it came, or undefined (absent or repeated). */
export type PushQuery = Record<string, unknown>;

/** WeChat retries a push three times within a minute or so; an hour of memory covers that with room to spare. */
const DEDUPE_SECONDS = 3600;
/** WeChat waits 5 s for `success`: the bus gets at most this much of it. */
const PUBLISH_TIMEOUT_MS = 2000;
/** What goes after `wechat.push.` in a subject: an event name as WeChat spells them. */
const EVENT_NAME = /^[A-Za-z0-9_]{1,64}$/;

type Refusal = Extract<WechatPushResult, 'bad_signature' | 'stale' | 'malformed'>;

/**
 * WeChat's server push (JSON data format): verifies each push (signature in constant time, timestamp window,
 * decryption with the appid check in safe mode), drops repeats of one already taken (Redis SET NX), and publishes the
 * message on the bus as `wechat.push.<Event>` for the service that owns it, without waiting for that service's work.
 */
@Injectable()
export class WechatPushService {
  private readonly logger = new Logger(WechatPushService.name);
  private readonly cipher?: PushMessageCipher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly bus: MessageBus,
    private readonly metrics: WechatPushMetrics,
  ) {
    if (config.WECHAT_PUSH_ENCODING_AES_KEY && config.WECHAT_PUSH_MODE !== 'plain') {
      this.cipher = new PushMessageCipher(config.WECHAT_PUSH_ENCODING_AES_KEY, config.WECHAT_APP_ID);
    }
  }

  /** The console's URL check (GET): answers `echostr` when the signature is made with our token. */
  verifyUrl(query: PushQuery): string {
    const token = this.token();
    const [timestamp, nonce, echostr] = [param(query, 'timestamp'), param(query, 'nonce'), param(query, 'echostr')];
    if (timestamp === undefined || nonce === undefined || echostr === undefined)
      throw this.refuse('malformed', 'the URL check lacks timestamp, nonce or echostr');
    if (!pushSignatureMatches(pushSignature(token, timestamp, nonce), param(query, 'signature')))
      throw this.refuse('bad_signature', 'the URL check signature does not match');
    return echostr;
  }

  /** A push (POST): resolves once its message is on the bus (or was already), so the caller can answer `success`. */
  async receive(query: PushQuery, body: unknown): Promise<void> {
    const message = this.open(query, body);
    const event = message.Event ?? message.MsgType;
    const key = `wechat-push:${deliveryKey(message)}`;
    let first: boolean;
    try {
      first = (await this.redis.set(key, '1', 'EX', DEDUPE_SECONDS, 'NX')) === 'OK';
    } catch (error) {
      this.metrics.count(event, 'failed');
      throw error;
    }
    if (!first) {
      this.metrics.count(event, 'duplicate');
      return;
    }
    try {
      await this.bus.publish(wechatPushPattern(event), message, PUBLISH_TIMEOUT_MS);
    } catch (error) {
      // Not taken: forget it, so WeChat's retry (answered 503 now) is not dropped as a duplicate.
      await this.redis.del(key).catch(() => undefined);
      this.metrics.count(event, 'failed');
      this.logger.error({ msg: 'WeChat push not published', event, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    this.metrics.count(event, 'accepted');
  }

  /** The verified message of a push, or the refusal (a 4xx) of a forged, stale or unreadable one. */
  private open(query: PushQuery, body: unknown): WechatPushMessage {
    const token = this.token();
    const [timestamp, nonce] = [param(query, 'timestamp'), param(query, 'nonce')];
    if (timestamp === undefined || nonce === undefined || !/^\d{1,12}$/.test(timestamp)) throw this.refuse('malformed', 'no timestamp or nonce');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw this.refuse('malformed', 'the body is not a JSON object');

    const encrypted = param(query, 'encrypt_type') === 'aes';
    const mode = this.config.WECHAT_PUSH_MODE;
    if (encrypted && mode === 'plain') throw this.refuse('malformed', 'an encrypted push, but WECHAT_PUSH_MODE is plain');
    if (!encrypted && mode === 'safe') throw this.refuse('malformed', 'a plain push, but WECHAT_PUSH_MODE is safe');

    let message: unknown = body;
    if (encrypted) {
      const encrypt = (body as Record<string, unknown>).Encrypt;
      if (typeof encrypt !== 'string' || encrypt === '') throw this.refuse('malformed', 'the body has no Encrypt');
      if (!pushSignatureMatches(pushSignature(token, timestamp, nonce, encrypt), param(query, 'msg_signature'))) {
        throw this.refuse('bad_signature', 'msg_signature does not match');
      }
      this.checkFresh(timestamp);
      message = this.decrypt(encrypt);
    } else {
      if (!pushSignatureMatches(pushSignature(token, timestamp, nonce), param(query, 'signature')))
        throw this.refuse('bad_signature', 'signature does not match');
      this.checkFresh(timestamp);
    }
    return this.checkMessage(message);
  }

  private decrypt(encrypt: string): unknown {
    if (!this.cipher) throw new AppError('SERVICE_UNAVAILABLE', 'WeChat server push in safe mode needs WECHAT_PUSH_ENCODING_AES_KEY');
    try {
      return JSON.parse(this.cipher.decrypt(encrypt)) as unknown;
    } catch (error) {
      const reason = error instanceof PushCryptoError ? error.message : 'the decrypted message is not JSON';
      throw this.refuse('malformed', reason);
    }
  }

  private checkFresh(timestamp: string): void {
    const age = Math.abs(Date.now() / 1000 - Number(timestamp));
    if (age > this.config.WECHAT_PUSH_MAX_AGE_SECONDS) throw this.refuse('stale', `timestamp ${timestamp} is ${Math.round(age)} s away from now`);
  }

  private checkMessage(message: unknown): WechatPushMessage {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw this.refuse('malformed', 'the message is not a JSON object');
    const { FromUserName, CreateTime, MsgType, Event } = message as Record<string, unknown>;
    if (typeof FromUserName !== 'string' || FromUserName === '' || FromUserName.length > 128) throw this.refuse('malformed', 'FromUserName is missing');
    if (typeof CreateTime !== 'number' || !Number.isInteger(CreateTime)) throw this.refuse('malformed', 'CreateTime is not a number of seconds');
    if (typeof MsgType !== 'string') throw this.refuse('malformed', 'MsgType is missing');
    const event = Event ?? MsgType;
    if (typeof event !== 'string' || !EVENT_NAME.test(event)) throw this.refuse('malformed', 'Event is not an event name');
    return message as WechatPushMessage;
  }

  private token(): string {
    const token = this.config.WECHAT_PUSH_TOKEN;
    if (token === undefined) throw new AppError('SERVICE_UNAVAILABLE', 'WeChat server push is not configured here (WECHAT_PUSH_TOKEN)');
    return token;
  }

  /** Counts and logs a refused push (never its signature or body) and makes its 4xx. */
  private refuse(result: Refusal, reason: string): AppError {
    this.metrics.count('unknown', result);
    this.logger.warn({ msg: 'WeChat push refused', result, reason });
    return result === 'malformed'
      ? new AppError('WECHAT_PUSH_INVALID', 'The push could not be read', [{ message: reason }])
      : new AppError('WECHAT_PUSH_SIGNATURE_INVALID', result === 'stale' ? 'The push is too old' : 'The push signature does not match');
  }
}

function param(query: PushQuery, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * WeChat's retries repeat a delivery's message field for field, so the whole message is its key: two different
 * events of one user in the same second (two popups) stay two.
 */
function deliveryKey(message: WechatPushMessage): string {
  return createHash('sha256').update(JSON.stringify(message)).digest('base64url');
}
