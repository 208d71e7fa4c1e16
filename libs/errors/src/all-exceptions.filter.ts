import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from './describe-error';
import { ErrorEnvelope } from './error-envelope';

/** Turns every error raised in an HTTP handler into the contract's envelope. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(reply, request, exception, this.logger);
  }
}

/** Writes the envelope for `error` on `reply`; shared by the Nest filter and Fastify's own error handler. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: unknown, logger: Pick<Logger, 'error'>): void {
  const described = describeError(error);
  if (described.unexpected) {
    logger.error({ msg: 'unhandled error', requestId: request.id, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  }
  const body: ErrorEnvelope = {
    statusCode: described.status,
    code: described.code,
    message: described.message,
    requestId: String(request.id),
  };
  if (described.details?.length) body.details = described.details;
  if (described.status === 429) reply.header('Retry-After', reply.getHeader('Retry-After') ?? '1');
  void reply.status(described.status).type('application/json; charset=utf-8').send(body);
}
