import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { RemoteErrorPayload } from './app-error';
import { describeError } from './describe-error';
import { ErrorEnvelope } from './error-envelope';

/**
 * The one global filter: over HTTP every error becomes the contract's envelope; over the bus it travels back
 * to the caller as a typed payload (code, message). Unexpected errors are logged here and hidden from the caller.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    const described = describeError(exception);
    const http = host.getType() === 'http';
    const request = http ? host.switchToHttp().getRequest<FastifyRequest>() : undefined;
    if (described.unexpected) {
      const err = exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception);
      this.logger.error({ msg: 'unhandled error', requestId: request?.id, transport: host.getType(), err });
    }
    if (!http) {
      const payload: RemoteErrorPayload = { code: described.code, message: described.message, details: described.details };
      return throwError(() => payload);
    }
    const body: ErrorEnvelope = { statusCode: described.status, code: described.code, message: described.message, requestId: String(request!.id) };
    if (described.details?.length) body.details = described.details;
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(described.status)
      .type('application/json; charset=utf-8')
      .send(body);
  }
}
