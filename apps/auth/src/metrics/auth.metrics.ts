import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { describeError } from '#libs/errors';
import { MetricsRegistry } from '#libs/metrics';

/** How a call to WeChat's server API ended: `ok`, a refused input (bad code), a stale token, another errcode, busy, or no answer. */
export type WechatCallResult = 'ok' | 'invalid_input' | 'token_rejected' | 'errcode' | 'busy' | 'unreachable';

/** The auth service's business counters: logins, token refreshes, revocations and outbound WeChat calls. */
@Injectable()
export class AuthMetrics {
  private readonly logins: Counter<'kind' | 'result'>;
  private readonly refreshes: Counter<'result'>;
  private readonly revocations: Counter<'reason'>;
  private readonly wechatCalls: Counter<'api' | 'result'>;
  private readonly wechatDuration: Histogram<'api'>;

  constructor(metrics: MetricsRegistry) {
    this.logins = metrics.counter({
      name: 'auth_logins_total',
      help: 'Logins by kind (wechat, staff) and result (success or the error code)',
      labelNames: ['kind', 'result'],
    });
    this.refreshes = metrics.counter({
      name: 'auth_token_refreshes_total',
      help: 'Refresh-token exchanges by result (rotated or the error code; refresh_token_reused is a replayed token)',
      labelNames: ['result'],
    });
    this.revocations = metrics.counter({
      name: 'auth_sessions_revoked_total',
      help: 'Sessions revoked, by reason (logout, refresh_token_reuse, account_disabled)',
      labelNames: ['reason'],
    });
    this.wechatCalls = metrics.counter({
      name: 'wechat_api_requests_total',
      help: 'Calls to the WeChat server API by api and result',
      labelNames: ['api', 'result'],
    });
    this.wechatDuration = metrics.histogram({
      name: 'wechat_api_request_duration_seconds',
      help: 'Latency of calls to the WeChat server API by api',
      labelNames: ['api'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
  }

  /** Counts a login attempt: `error` absent means it succeeded. */
  login(kind: 'wechat' | 'staff', error?: unknown): void {
    this.logins.inc({ kind, result: outcome(error) });
  }

  /** Counts a refresh attempt: `error` absent means a new pair was issued. */
  refresh(error?: unknown): void {
    this.refreshes.inc({ result: error === undefined ? 'rotated' : outcome(error) });
  }

  revoked(reason: string): void {
    this.revocations.inc({ reason });
  }

  /** Counts one HTTP call to WeChat that took `seconds`. */
  wechatCall(api: string, result: WechatCallResult, seconds: number): void {
    this.wechatCalls.inc({ api, result });
    this.wechatDuration.observe({ api }, seconds);
  }
}

/** `success`, or the error's stable code in lower case (a bounded set: unexpected errors are `internal_error`). */
function outcome(error: unknown): string {
  return error === undefined ? 'success' : describeError(error).code.toLowerCase();
}
