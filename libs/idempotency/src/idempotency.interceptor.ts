import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { lastValueFrom, Observable, of } from 'rxjs';
import type { AuthenticatedRequest } from '#libs/auth';
import { AppError, describeError } from '#libs/errors';
import { ClaimHandle, IdempotencyClaim, IdempotencyStore, IdempotentResult } from './idempotency.store';

/** The request header that carries a client's idempotency key. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a reply that repeats the first result of its key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
const HTTP_CODE_METADATA = '__httpCode__';

function invalidKey(): AppError {
  return new AppError('VALIDATION_FAILED', 'Request validation failed', [
    { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-255 visible ASCII characters' },
  ]);
}

/**
 * Errors that are a result of the work (a conflict, a missing thing) are replayed; input errors and outages are not,
 * nor "still in progress" (a statement about an earlier run of the key, which a retry must be able to get past).
 */
function isReplayable(status: number, code: string): boolean {
  return status > 400 && status < 500 && code !== 'VALIDATION_FAILED' && code !== 'IDEMPOTENCY_IN_PROGRESS';
}

/**
 * Makes a route idempotent per user and `Idempotency-Key` header: the first request does the work and its result
 * (status and body, or domain error) is stored; a request with the same key repeats that result, waiting for it if the
 * first is still running on any replica. The same key with another body is 422 IDEMPOTENCY_KEY_REUSED.
 * Requests without the header run normally. Use through @Idempotent().
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY_SHAPE.test(header)) throw invalidKey();
    const principal = request.principal;
    if (!principal) throw new Error('@Idempotent() needs an authenticated route');

    const scope = `${principal.kind}:${principal.id}`;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([request.method, request.routeOptions.url, request.params ?? null, request.body ?? null]))
      .digest('base64url');
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = await this.store.claim(scope, header, fingerprint);
      if (claim.kind === 'claimed') return of(await this.runOnce(context, next, claim.release));
      if (claim.fingerprint !== fingerprint) throw this.reused();
      const settled: IdempotencyClaim | undefined = claim.kind === 'running' ? await this.store.waitForResult(scope, header) : claim;
      if (settled === undefined) continue;
      if (settled.kind !== 'finished') break;
      if (settled.fingerprint !== fingerprint) throw this.reused();
      return of(this.replay(settled.result, reply));
    }
    throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
  }

  private async runOnce(context: ExecutionContext, next: CallHandler, release: ClaimHandle): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      const described = describeError(error);
      if (error instanceof AppError && isReplayable(described.status, described.code)) {
        await release.complete({ status: described.status, error: { code: described.code, message: described.message, details: described.details } });
      } else {
        await release.abandon().catch(() => undefined);
      }
      throw error;
    }
    // The stored body is the JSON the client receives, so a replay is byte-for-byte the same document.
    const stored = body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown);
    await release.complete({ status: this.successStatus(context), body: stored });
    return body;
  }

  private replay(result: IdempotentResult, reply: FastifyReply): unknown {
    void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    if (result.error) throw new AppError(result.error.code, result.error.message, result.error.details);
    void reply.status(result.status);
    return result.body;
  }

  private successStatus(context: ExecutionContext): number {
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    if (declared) return declared;
    return context.switchToHttp().getRequest<AuthenticatedRequest>().method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK;
  }

  private reused(): AppError {
    return new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
  }
}
