import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/**
 * What became of each subscribe message: `sent` (WeChat took it), `skipped` (no unused acceptance), `refused`
 * (43101: WeChat has none either), `rejected` (another permanent errcode), `retried` (a transient failure, tried
 * again), `failed` (given up after the last try).
 */
export type SubscribeMessageResult = 'sent' | 'skipped' | 'refused' | 'rejected' | 'retried' | 'failed';

@Injectable()
export class SubscribeMessagesMetrics {
  private readonly messages: Counter<'template' | 'result'>;

  constructor(metrics: MetricsRegistry) {
    this.messages = metrics.counter({
      name: 'wechat_subscribe_messages_total',
      help: 'Subscribe messages by message kind (template) and result: sent, skipped (no acceptance), refused (43101), rejected, retried, failed',
      labelNames: ['template', 'result'],
    });
  }

  count(template: string, result: SubscribeMessageResult): void {
    this.messages.inc({ template, result });
  }
}
