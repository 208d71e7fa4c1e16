import { randomInt } from 'node:crypto';
import { PushMessageCipher } from '../../../libs/wechat/src/push/push-message-cipher';
import { pushSignature } from '../../../libs/wechat/src/push/push-signature';
import { SandboxStats } from '../sandbox-stats';
import { WechatPushSandboxOptions } from './push-config';

/** WeChat retries a push not answered `success` three times. */
const RETRIES = 3;

/** `safe`: encrypted, as the console's 安全模式; `plain`: signed only (明文模式). */
export type PushMode = 'safe' | 'plain';

interface PushTarget {
  url: string;
  token: string;
  mode: PushMode;
  cipher: PushMessageCipher;
  retryDelayMs: number;
  timeoutMs: number;
}

/** A push event's fields (`Event` and the rest); `ToUserName`, `CreateTime` and `MsgType` are filled in when absent. */
export type PushFields = Record<string, unknown>;

/** The first attempt of a push was not answered `success` (retries go on), or there is nowhere to push. */
export class PushNotDeliveredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushNotDeliveredError';
  }
}

/** How one HTTP attempt ended: the status and body, or why there was none. */
export interface PushAttempt {
  status?: number;
  body?: string;
  error?: string;
  accepted: boolean;
}

/**
 * Delivers events to the backend's push URL as WeChat's server push does in the JSON data format: signed, encrypted in
 * safe mode, and retried (at most 4 attempts) until answered `success`. Counted in stats under `push` (`delivered`,
 * `failed` per attempt, `gave_up`) and `push_events` (per `Event`).
 */
export class PushSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly target?: PushTarget;
  private readonly originalId: string;
  /** Bumped by stop(), so attempts already in flight schedule no retry. */
  private generation = 0;

  constructor(
    appId: string,
    options: WechatPushSandboxOptions | undefined,
    private readonly stats: SandboxStats,
    private readonly now: () => number,
  ) {
    this.originalId = options?.originalId ?? 'gh_sandbox';
    if (options?.url) {
      this.target = {
        url: options.url,
        token: options.token,
        mode: options.mode,
        cipher: new PushMessageCipher(options.encodingAesKey, appId),
        retryDelayMs: options.retryDelayMs ?? 5000,
        timeoutMs: options.timeoutMs ?? 5000,
      };
    }
    stats.listEndpoint('push');
    stats.listEndpoint('push_events');
  }

  /** Whether a push URL is configured. */
  get enabled(): boolean {
    return this.target !== undefined;
  }

  /** The message as it will be pushed: `fields` with WeChat's envelope fields filled in. */
  message(fields: PushFields): Record<string, unknown> {
    return {
      ToUserName: this.originalId,
      CreateTime: Math.floor(this.now() / 1000),
      MsgType: 'event',
      ...fields,
    };
  }

  /**
   * Pushes `fields` (see message()); resolves once the first attempt is answered `success`, rejects with
   * PushNotDeliveredError otherwise while WeChat's retries go on in the background. Pushes nothing without a push URL.
   */
  async deliver(fields: PushFields, mode?: PushMode): Promise<void> {
    const message = this.message(fields);
    const first = await this.send(message, mode);
    if (!first.accepted) throw new PushNotDeliveredError(describe(first));
  }

  /**
   * Pushes `message` as is, resolves with the first attempt, and retries in the background until accepted.
   * `mode` overrides the configured one for this push.
   */
  async send(message: Record<string, unknown>, mode?: PushMode): Promise<PushAttempt> {
    if (!this.target) return NOT_CONFIGURED;
    this.stats.count('push_events', String(message.Event));
    return this.attempt(this.target, JSON.stringify(message), mode ?? this.target.mode, 0, this.generation);
  }

  /** One more delivery of `message`, with no retry: what WeChat's retries of a delivery look like to the backend. */
  async sendOnce(message: Record<string, unknown>, mode?: PushMode): Promise<PushAttempt> {
    if (!this.target) return NOT_CONFIGURED;
    const result = await this.post(this.target, JSON.stringify(message), mode ?? this.target.mode);
    this.stats.count('push', result.accepted ? 'delivered' : 'failed');
    return result;
  }

  /** Cancels pending retries. */
  stop(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(target: PushTarget, json: string, mode: PushMode, retriesDone: number, generation: number): Promise<PushAttempt> {
    const result = await this.post(target, json, mode);
    if (generation !== this.generation) return result;
    this.stats.count('push', result.accepted ? 'delivered' : 'failed');
    if (!result.accepted) this.scheduleRetry(target, json, mode, retriesDone, generation);
    return result;
  }

  private scheduleRetry(target: PushTarget, json: string, mode: PushMode, retriesDone: number, generation: number): void {
    if (retriesDone >= RETRIES) return this.stats.count('push', 'gave_up');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(target, json, mode, retriesDone + 1, generation);
    }, target.retryDelayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(target: PushTarget, json: string, mode: PushMode): Promise<PushAttempt> {
    const { url, body } = this.sign(target, json, mode);
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(target.timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: text, accepted: response.status === 200 && text === 'success' };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error), accepted: false };
    }
  }

  /** The URL and body of one attempt; each attempt is signed afresh, as WeChat's are. */
  private sign(target: PushTarget, json: string, mode: PushMode): { url: string; body: string } {
    const { token, cipher } = target;
    const url = new URL(target.url);
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = String(randomInt(1_000_000_000, 2_000_000_000));
    url.searchParams.set('signature', pushSignature(token, timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    if (mode === 'plain') return { url: url.toString(), body: json };
    const encrypt = cipher.encrypt(json);
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', pushSignature(token, timestamp, nonce, encrypt));
    const { ToUserName } = JSON.parse(json) as { ToUserName?: unknown };
    return { url: url.toString(), body: JSON.stringify({ ToUserName, Encrypt: encrypt }) };
  }
}

const NOT_CONFIGURED: PushAttempt = { accepted: false, error: 'no push URL is configured' };

function describe(attempt: PushAttempt): string {
  if (attempt.error) return `the push was not delivered: ${attempt.error}`;
  return `the push URL answered HTTP ${attempt.status} ${JSON.stringify((attempt.body ?? '').slice(0, 100))}, not "success"`;
}
