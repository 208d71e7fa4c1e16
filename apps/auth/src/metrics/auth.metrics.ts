import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { describeError } from '#libs/errors';
import { MetricsRegistry } from '#libs/metrics';

/** The auth service's business counters: logins, token refreshes and revocations. */
@Injectable()
export class AuthMetrics {
  private readonly logins: Counter<'kind' | 'result'>;
  private readonly refreshes: Counter<'result'>;
  private readonly revocations: Counter<'reason'>;

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
      help: 'Sessions revoked, by reason (logout, refresh_token_reuse, account_disabled, password_reset)',
      labelNames: ['reason'],
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
}

/** `success`, or the error's stable code in lower case (a bounded set: unexpected errors are `internal_error`). */
function outcome(error: unknown): string {
  return error === undefined ? 'success' : describeError(error).code.toLowerCase();
}
