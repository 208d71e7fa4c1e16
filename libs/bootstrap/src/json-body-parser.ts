import type { FastifyInstance } from 'fastify';
import { AppError } from '#libs/errors';

/** Deepest nesting of objects and arrays a body may have; no request of the API needs more than 4. */
export const MAX_JSON_DEPTH = 10;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether `text` (JSON or not) nests objects and arrays deeper than `limit`, found in one pass without parsing. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fastify's JSON parser behind two checks: a body nested deeper than MAX_JSON_DEPTH is refused before anything
 * walks it recursively (validation would overflow the stack), and a `__proto__` or `constructor.prototype` key,
 * which is valid JSON, is an unknown field (400 VALIDATION_FAILED) rather than malformed JSON.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new AppError('VALIDATION_FAILED', 'Request validation failed', [
          { field: 'body', message: `body must not nest objects or arrays more than ${MAX_JSON_DEPTH} deep` },
        ]),
        undefined,
      );
      return;
    }
    void parse(request, text, (error, value) => {
      // Fastify's parser reports a forbidden key as invalid JSON; the body is valid JSON exactly in that case.
      if (error && text.length > 0 && isValidJson(text)) {
        const field = /"__proto__"\s*:/.test(text) ? '__proto__' : 'constructor';
        done(new AppError('VALIDATION_FAILED', 'Request validation failed', [{ field, message: `property ${field} should not exist` }]), undefined);
      } else {
        done(error, value);
      }
    });
  });
}
