import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { describeError, errorEnvelope, ErrorCode, ERROR_STATUS } from '#libs/errors';
import { REQUEST_ID_HEADER } from '#libs/logging';

/**
 * The router refuses a malformed URL or an over-long parameter before any hook or Nest filter runs:
 * answer it in the contract's envelope, with the request id, like every other error.
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id);
  const described = describeError(error);
  void reply.status(described.status).header(REQUEST_ID_HEADER, requestId).type('application/json; charset=utf-8').send(errorEnvelope(described, requestId));
}

const CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' },
};

/** A request Node's HTTP parser could not read (bad framing, oversized headers, too slow): an envelope, then the socket closes. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { code, message } = CLIENT_ERRORS[error.code ?? ''] ?? { code: 'VALIDATION_FAILED' as const, message: 'The request is not valid HTTP' };
    const status = ERROR_STATUS[code];
    const requestId = randomUUID();
    const body = JSON.stringify(errorEnvelope({ status, code, message, unexpected: false }, requestId));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
