import { SandboxStats } from '../sandbox-stats';
import { EncryptedResource, encryptResource } from './notification-cipher';
import { beijingTime, newEventId } from './pay-ids';
import { PlatformSigner } from './platform-signer';

/** WeChat Pay's documented schedule: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h. */
export const WECHAT_NOTIFY_RETRY_DELAYS_MS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (seconds) => seconds * 1000,
);

/** A notification's event, before encryption. */
export interface PayEvent {
  eventType: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS';
  summary: string;
  originalType: 'transaction' | 'refund';
  resource: Record<string, unknown>;
}

/** How the notifier reaches the merchant. */
export interface PayNotifierSettings {
  signer: PlatformSigner;
  apiV3Key: string;
  stats: SandboxStats;
  retryDelaysMs: readonly number[];
  /** How long one attempt may take; WeChat Pay waits 5 s. */
  timeoutMs: number;
  now: () => number;
}

/**
 * Sends signed, encrypted notifications to a merchant's notify_url. An attempt succeeds on HTTP
 * 200 or 204 only, as WeChat Pay requires; failures are retried on `retryDelaysMs`, then given up.
 * Counted in stats under `pay_notify`: `delivered`, `failed` (per attempt), `gave_up`.
 */
export class PayNotifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Bumped by stop(), so attempts already in flight schedule no retry. */
  private generation = 0;

  constructor(private readonly settings: PayNotifierSettings) {}

  /** Resolves once the first attempt is over, with whether it was accepted; retries go on in the background. */
  send(notifyUrl: string, event: PayEvent): Promise<boolean> {
    const { apiV3Key, now } = this.settings;
    const resource: EncryptedResource = encryptResource(apiV3Key, event.originalType, JSON.stringify(event.resource));
    const body = JSON.stringify({
      id: newEventId(now()),
      create_time: beijingTime(now()),
      resource_type: 'encrypt-resource',
      event_type: event.eventType,
      summary: event.summary,
      resource,
    });
    return this.attempt(notifyUrl, body, 0, this.generation);
  }

  stop(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(url: string, body: string, retriesDone: number, generation: number): Promise<boolean> {
    const delivered = await this.post(url, body);
    if (generation !== this.generation) return delivered;
    this.settings.stats.count('pay_notify', delivered ? 'delivered' : 'failed');
    if (!delivered) this.scheduleRetry(url, body, retriesDone, generation);
    return delivered;
  }

  private scheduleRetry(url: string, body: string, retriesDone: number, generation: number): void {
    const delay = this.settings.retryDelaysMs[retriesDone];
    if (delay === undefined) return this.settings.stats.count('pay_notify', 'gave_up');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(url, body, retriesDone + 1, generation);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(url: string, body: string): Promise<boolean> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...this.settings.signer.signatureHeaders(body) },
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.arrayBuffer();
      return response.status === 200 || response.status === 204;
    } catch {
      return false;
    }
  }
}
