import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { ERROR_ENVELOPE, errorEnvelopeSchema, errorExamples } from './error-responses';
import { BEARER_SCHEME } from './service-document';

const DESCRIPTION = `The whole public API of the mini-program backend, one document for every service behind the load balancer.
The product contract is \`api-contract.md\`; this document is its detailed reference.

- JSON in and out, UTF-8. Money is an integer number of fen. Ids are opaque strings (ULIDs).
- \`Authorization: Bearer <accessToken>\` from \`POST /api/auth/wechat/login\` (users) or \`POST /api/auth/admin/login\` (staff);
  renew it with \`POST /api/auth/refresh\` when a call answers 401 \`TOKEN_EXPIRED\`.
- Lists take \`?limit=\` (default 20, at most 100) and \`?cursor=\`, and answer \`{items, nextCursor}\`.
- Every error is the envelope \`{statusCode, code, message, requestId, details?}\`; switch on \`code\`. Each operation lists the codes it can answer.
- Every response carries \`X-Request-Id\` (yours echoed if you sent one).
- Writes a user can double-tap take an \`Idempotency-Key\` header.
- Unknown JSON fields are refused (400 \`VALIDATION_FAILED\`).
- \`wx.request\` cannot send PATCH: send \`POST\` with \`X-HTTP-Method-Override: PATCH\` instead (only POST, only into PATCH).`;

function mergeInto<T>(target: Record<string, T>, source: Record<string, T> | undefined, what: string): void {
  for (const [name, value] of Object.entries(source ?? {})) {
    if (name in target && JSON.stringify(target[name]) !== JSON.stringify(value)) throw new Error(`two services define ${what} ${name} differently`);
    target[name] = value;
  }
}

/** The schemas `root` refers to, directly or through other schemas. */
function reachableSchemas(root: unknown, schemas: Record<string, object>): Set<string> {
  const reached = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const name = key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/') ? child.slice(21) : undefined;
      if (name !== undefined && !reached.has(name)) {
        reached.add(name);
        visit(schemas[name]);
      } else visit(child);
    }
  };
  visit(root);
  return reached;
}

const sortedByKey = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/** The one document of the API: every service's paths and schemas, the error envelope and the bearer scheme, in a stable order. */
export function mergeServiceDocuments(documents: Record<string, OpenAPIObject>, version: string): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  const schemas: Record<string, object> = { [ERROR_ENVELOPE]: errorEnvelopeSchema };
  const responses: Record<string, ResponseObject> = {};
  for (const [service, document] of Object.entries(documents)) {
    for (const [path, item] of Object.entries(document.paths)) {
      if (path in paths) throw new Error(`${service}: path ${path} is served by another service too`);
      paths[path] = item;
    }
    mergeInto(schemas, document.components?.schemas, 'the schema');
    mergeInto(responses, document.components?.responses, 'the response');
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Mini-program backend API', version, description: DESCRIPTION },
    servers: [{ url: '/', description: 'The load balancer in front of every service' }],
    tags: Object.keys(documents).map((service) => ({ name: service })),
    paths: sortedByKey(paths),
    components: {
      // Bus message classes get explored too; only what the HTTP routes refer to belongs here.
      schemas: sortedByKey(Object.fromEntries([...reachableSchemas({ paths, responses }, schemas)].map((name) => [name, schemas[name]]))),
      responses: sortedByKey(responses),
      examples: errorExamples(),
      securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
