import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

/** The upload app's own Fastify set-up: the multipart parser (limits are set per request by the upload route). */
export function configureUploadFastify(fastify: FastifyInstance): void {
  void fastify.register(multipart, { throwFileSizeLimit: false });
}
