import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { currentRequestContext } from '#libs/logging';
import { RemoteErrorPayload } from './app-error';
import { describeError } from './describe-error';
import { errorEnvelope } from './error-envelope';
import { afterUnreadBody } from './unread-body';

/** Where unexpected errors are reported beside the log (libs/error-tracking's ErrorTracker: Sentry). */
export interface UnexpectedErrorReporter {
  capture(
    error: unknown,
    context: {
      transport: string;
      requestId?: string;
      userId?: string;
      method?: string;
      route?: string;
      headers?: Record<string, string | string[] | undefined>;
    },
  ): void;
}

/**
 * The one global filter: over HTTP every error becomes the contract's envelope; over the bus it travels back
 * to the caller as a typed payload (code, message). Unexpected errors are logged here and hidden from the caller.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly reporter?: UnexpectedErrorReporter) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    const described = describeError(exception);
    const http = host.getType() === 'http';
    const request = http ? host.switchToHttp().getRequest<FastifyRequest>() : undefined;
    if (described.unexpected) {
      const err = exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception);
      this.logger.error({ msg: 'unhandled error', requestId: request?.id, transport: host.getType(), err });
      const context = currentRequestContext();
      this.reporter?.capture(exception, {
        transport: host.getType(),
        requestId: request ? String(request.id) : context?.requestId,
        userId: context?.userId ?? (request as { principal?: { id?: string } } | undefined)?.principal?.id,
        method: request?.method,
        route: request
          ? (request.routeOptions?.url ?? 'unmatched')
          : host.getType() === 'rpc'
            ? host.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.()
            : undefined,
        headers: request?.headers,
      });
    }
    if (!http) {
      const payload: RemoteErrorPayload = { code: described.code, message: described.message, details: described.details };
      return throwError(() => payload);
    }
    const body = errorEnvelope(described, String(request!.id));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    afterUnreadBody(request!.raw, (bodyRead) => {
      if (!bodyRead) void reply.header('connection', 'close');
      void reply.status(described.status).type('application/json; charset=utf-8').send(body);
    });
  }
}
