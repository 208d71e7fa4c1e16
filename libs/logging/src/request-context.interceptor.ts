import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { REQUEST_ID_HEADER } from './request-id';
import { runWithRequestContext } from './request-context';

/**
 * Makes the request id a bus message carries the current request context of its handler. Put it on message
 * handler classes (`@UseInterceptors`); HTTP requests get their context in Fastify's onRequest hook instead,
 * which costs far less than an interceptor on every route.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const headers = context.switchToRpc().getContext<NatsContext | undefined>()?.getHeaders?.() as { get?(name: string): string } | undefined;
    const requestContext = { requestId: headers?.get?.(REQUEST_ID_HEADER) || 'none' };
    return new Observable((subscriber) => runWithRequestContext(requestContext, () => next.handle().subscribe(subscriber)));
  }
}
