import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { REQUEST_ID_HEADER } from './request-id';
import { RequestContext, runWithRequestContext } from './request-context';

function contextOf(context: ExecutionContext): RequestContext {
  if (context.getType() === 'http') {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: { id: string } }>();
    return { requestId: String(request.id), userId: request.principal?.id };
  }
  const headers = context.switchToRpc().getContext<NatsContext>()?.getHeaders?.();
  return { requestId: headers?.get?.(REQUEST_ID_HEADER) || 'none' };
}

/** Makes the request id (HTTP or bus message) and the caller the current request context for everything the handler calls. */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const requestContext = contextOf(context);
    return new Observable((subscriber) => runWithRequestContext(requestContext, () => next.handle().subscribe(subscriber)));
  }
}
