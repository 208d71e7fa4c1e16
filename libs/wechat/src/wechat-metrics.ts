import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/** How a call to WeChat's server API ended: `ok`, a refused input (bad code), a stale token, another errcode, busy, or no answer. */
export type WechatCallResult = 'ok' | 'invalid_input' | 'token_rejected' | 'errcode' | 'busy' | 'unreachable';

/** Outbound WeChat calls, the same families in every service (the `service` label tells them apart). */
@Injectable()
export class WechatMetrics {
  private readonly calls: Counter<'api' | 'result'>;
  private readonly duration: Histogram<'api'>;

  constructor(metrics: MetricsRegistry) {
    this.calls = metrics.counter({
      name: 'wechat_api_requests_total',
      help: 'Calls to the WeChat server API by api and result',
      labelNames: ['api', 'result'],
    });
    this.duration = metrics.histogram({
      name: 'wechat_api_request_duration_seconds',
      help: 'Latency of calls to the WeChat server API by api',
      labelNames: ['api'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
  }

  /** Counts one HTTP call to WeChat that took `seconds`. */
  call(api: string, result: WechatCallResult, seconds: number): void {
    this.calls.inc({ api, result });
    this.duration.observe({ api }, seconds);
  }
}
