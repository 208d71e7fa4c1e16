import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { ROUTE_ACCESS, RouteAccess } from '#libs/auth';
import { COMPRESSION_THRESHOLD_BYTES } from '#libs/bootstrap';
import { CachedAnswer } from './cached-answer';
import { CACHE_OPTIONS } from './cache-options';
import type { CacheOptions } from './cache-options';
import { JsonCache } from './json-cache';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Whether an Accept-Encoding header takes gzip (named or `*`, without `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...parameters] = part.split(';');
    const name = coding.trim().toLowerCase();
    if (name !== 'gzip' && name !== '*') continue;
    const q = parameters.map((parameter) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    if (q === undefined || Number(q) > 0) return true;
  }
  return false;
}

/**
 * Public GETs answered from the replica's memory before Nest sees them. A URL is remembered once a route of
 * {@link ReadyAnswerInterceptor} has answered it with a cached entry (so it passed that route's validation and
 * guards), and answered again from that entry for as long as this replica holds it: the cache's invalidation
 * (local, and broadcast to every replica) drops the entry, and the next request for the URL goes through Nest.
 * Only answers that need no caller (public, not rate limited) may be remembered.
 */
@Injectable()
export class ReadyAnswers {
  private readonly entryOfUrl = new Map<string, string>();
  private readonly maxUrls: number;

  constructor(
    private readonly cache: JsonCache,
    @Inject(CACHE_OPTIONS) options: CacheOptions,
  ) {
    this.maxUrls = options.localMaxEntries;
  }

  remember(url: string, answer: CachedAnswer): void {
    if (answer.localKey === undefined) return;
    this.entryOfUrl.delete(url);
    this.entryOfUrl.set(url, answer.localKey);
    if (this.entryOfUrl.size > this.maxUrls) this.entryOfUrl.delete(this.entryOfUrl.keys().next().value as string);
  }

  /** The answer held for `url`, if this replica still holds it. */
  find(url: string): CachedAnswer | undefined {
    const localKey = this.entryOfUrl.get(url);
    if (localKey === undefined) return undefined;
    const answer = this.cache.held(localKey);
    if (answer === undefined) this.entryOfUrl.delete(url);
    return answer;
  }

  /** Sends `answer`, already gzipped for a client that takes it (the compression hook leaves an encoded body alone). */
  send(request: FastifyRequest, reply: FastifyReply, answer: CachedAnswer): void {
    reply.header('content-type', JSON_TYPE);
    if (answer.body.length >= COMPRESSION_THRESHOLD_BYTES) {
      reply.header('vary', 'accept-encoding');
      if (acceptsGzip(request.headers['accept-encoding'])) return void reply.header('content-encoding', 'gzip').send(answer.gzip());
    }
    void reply.send(answer.body);
  }

  /** Answers remembered URLs in Fastify's onRequest (after the request id and context hooks, before routing into Nest). */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const answer = request.method === 'GET' ? this.find(request.url) : undefined;
      if (answer === undefined) return done();
      this.send(request, reply, answer);
    });
  }
}

/**
 * On a controller whose handlers answer {@link CachedAnswer}s: sends their bytes, and remembers their URLs in
 * {@link ReadyAnswers} when the route is `@Public()` (the controller must also be `@SkipThrottle()`: a remembered
 * URL is answered before any guard).
 */
@Injectable()
export class ReadyAnswerInterceptor implements NestInterceptor {
  constructor(
    private readonly answers: ReadyAnswers,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    const rememberable = request.method === 'GET' && access?.mode === 'anyone';
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof CachedAnswer)) return result;
        if (rememberable) this.answers.remember(request.url, result);
        return result.body;
      }),
    );
  }
}
