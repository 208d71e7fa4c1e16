import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Answers smaller than this are sent as they are: gzip saves little on them and its header and CPU cost the same. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** The only types ever compressed: JSON and text, the API document page's HTML, JS and CSS. Images, PDFs, video and bytes never are. */
const COMPRESSIBLE_TYPE = /^(?:application\/(?:json|problem\+json|javascript)|text\/(?:plain|html|css|javascript))\s*(?:;|$)/i;

/** Whether an answer of `contentType` may be compressed. */
export function isCompressibleType(contentType: string): boolean {
  return COMPRESSIBLE_TYPE.test(contentType);
}

/** Bytes of a buffered payload; a stream counts as large (its size is not known yet). */
function payloadSize(payload: unknown): number {
  if (payload == null) return 0;
  return typeof payload === 'string' || Buffer.isBuffer(payload) ? Buffer.byteLength(payload) : Number.POSITIVE_INFINITY;
}

/**
 * Gzip for clients that accept it (`@fastify/compress`): JSON and text of at least {@link COMPRESSION_THRESHOLD_BYTES},
 * with `Vary: Accept-Encoding`. Done here rather than in HAProxy 2.6, which has no size threshold
 * (docs/decisions/response-compression.md). Request bodies are never decompressed.
 */
export async function installResponseCompression(fastify: FastifyInstance): Promise<void> {
  // The plugin also compresses what mime-db calls compressible (image/svg+xml, image/bmp); its documented opt-out,
  // the x-no-compression request header, is set here for every other type. Instance hooks run before the plugin's route hooks.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (!isCompressibleType(typeof type === 'string' ? type : 'application/json')) request.headers['x-no-compression'] = 'type';
    // An answer that would be gzipped for another client says so even when sent as it is, so a shared cache keeps both.
    else if (payloadSize(payload) >= COMPRESSION_THRESHOLD_BYTES && !/accept-encoding|\*/i.test(String(reply.getHeader('vary') ?? '')))
      reply.header('vary', [reply.getHeader('vary'), 'accept-encoding'].filter(Boolean).join(', '));
    done(null, payload);
  });
  await fastify.register(compress, {
    global: true,
    globalDecompression: false,
    encodings: ['gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    customTypes: isCompressibleType,
  });
}
