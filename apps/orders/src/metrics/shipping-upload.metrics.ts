import { Injectable } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/** What an upload attempt came to: WeChat accepted it, already held it, it is retried later, or it was given up. */
export type ShippingUploadResult = 'accepted' | 'already_uploaded' | 'retry' | 'failed';

/** Shipping information uploads on /metrics: every attempt's result, and how many wait (pending) or were given up (failed). */
@Injectable()
export class ShippingUploadMetrics {
  private readonly uploads: Counter<'result'>;
  private readonly waiting: Gauge<'state'>;

  constructor(metrics: MetricsRegistry) {
    this.uploads = metrics.counter({
      name: 'wechat_shipping_uploads_total',
      help: 'Shipping information upload attempts (upload_shipping_info), by result',
      labelNames: ['result'],
    });
    this.waiting = metrics.gauge({
      name: 'wechat_shipping_uploads',
      help: 'Shipping information uploads not synced with WeChat, by state (pending, failed), as the database has them',
      labelNames: ['state'],
    });
  }

  attempted(result: ShippingUploadResult): void {
    this.uploads.inc({ result });
  }

  counted(counts: Record<'pending' | 'failed', number>): void {
    this.waiting.set({ state: 'pending' }, counts.pending);
    this.waiting.set({ state: 'failed' }, counts.failed);
  }
}
