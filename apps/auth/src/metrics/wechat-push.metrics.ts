import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/**
 * What became of a WeChat server push: `accepted` (published on the bus), `duplicate` (a repeat of one accepted),
 * `bad_signature`, `stale` (timestamp outside the window), `malformed` (unreadable, or for another appid),
 * `failed` (the bus or Redis could not take it: answered 503 so WeChat retries).
 */
export type WechatPushResult = 'accepted' | 'duplicate' | 'bad_signature' | 'stale' | 'malformed' | 'failed';

@Injectable()
export class WechatPushMetrics {
  private readonly received: Counter<'event' | 'result'>;

  constructor(metrics: MetricsRegistry) {
    this.received = metrics.counter({
      name: 'wechat_push_received_total',
      help: 'WeChat server pushes received, by event (unknown until the push is verified) and result',
      labelNames: ['event', 'result'],
    });
  }

  count(event: string, result: WechatPushResult): void {
    this.received.inc({ event, result });
  }
}
