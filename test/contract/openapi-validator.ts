import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document this validator reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { responses?: Record<string, ResponseObject>; schemas?: Record<string, unknown>; [name: string]: unknown };
}

interface ReferenceObject {
  $ref: string;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface OperationObject {
  operationId?: string;
  requestBody?: ReferenceObject | { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, ResponseObject | ReferenceObject>;
}

/** A response as the test saw it. */
export interface ObservedResponse {
  method: string;
  /** The concrete URL or path (a query string is ignored). */
  url: string;
  status: number;
  /** The content-type header, if any. */
  contentType: string | null;
  /** The parsed JSON body, the raw text of another body, or undefined for none. */
  body: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOCUMENT_ID = 'https://contract.test/openapi.json';
/** The key under which answers to unknown routes are counted. */
export const UNROUTED = '(no route)';

interface Route {
  method: string;
  template: string;
  /** Literal segments, or null for a `{param}`. */
  segments: (string | null)[];
  operation: OperationObject;
}

const escapePointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const isReference = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value;

/** Whether a content-type header matches a media range of the document (`application/json`, `image/*`, `*\/*`). */
export function mediaTypeMatches(range: string, header: string): boolean {
  const [type, subtype] = range.toLowerCase().split(';')[0].trim().split('/');
  const [actualType, actualSubtype] = header.toLowerCase().split(';')[0].trim().split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

/**
 * Checks responses against an OpenAPI 3.1 document: the operation (method and path template) must exist, the status
 * must be one it declares, the content type one that status declares, and a JSON body must validate (ajv, JSON Schema
 * 2020-12) against the declared schema; an error's `code` must be one the operation lists for that status.
 */
export class OpenApiValidator {
  /** Responses validated per operation (`GET /api/orders/{id}`). */
  readonly validated = new Map<string, number>();
  private readonly ajv: Ajv2020;
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    // strict stays on, except the OpenAPI keywords JSON Schema does not know (declared as annotations below).
    this.ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // `components` too: the document's components are registered as they are, at the top of a schema, so that
    // their own `#/components/...` refs resolve; it is the one non-schema keyword that schema carries.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator', 'components']);
    // OpenAPI's format names for numbers and files, which ajv-formats may not define.
    for (const format of ['int32', 'int64', 'float', 'double', 'binary', 'byte', 'password']) {
      if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    }
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const segments = template
          .split('/')
          .slice(1)
          .map((segment) => (/^\{[^}]+\}$/.test(segment) ? null : segment));
        this.routes.push({ method: method.toUpperCase(), template, segments, operation: operation as OperationObject });
      }
    }
  }

  /** Every operation of the document, as `METHOD /template`. */
  get operations(): string[] {
    return this.routes.map((route) => `${route.method} ${route.template}`);
  }

  /** Total responses validated. */
  get total(): number {
    return [...this.validated.values()].reduce((sum, n) => sum + n, 0);
  }

  /** The operation a concrete request is for (`METHOD /template`), or undefined. A literal segment wins over a `{param}`. */
  findOperation(method: string, url: string): string | undefined {
    const route = this.route(method, url);
    return route && `${route.method} ${route.template}`;
  }

  /** Throws with a clear message when `response` does not conform; counts it when it does. */
  validate(response: ObservedResponse): void {
    const where = `${response.method} ${response.url} → ${response.status}`;
    const route = this.route(response.method, response.url);
    if (!route) throw new Error(`${where}: no operation of the document matches ${response.method} ${pathOf(response.url)}`);
    const key = `${route.method} ${route.template}`;
    const declared = route.operation.responses[String(response.status)] ?? route.operation.responses[`${String(response.status)[0]}XX`];
    const declaredStatuses = Object.keys(route.operation.responses).join(', ');
    if (!declared)
      throw new Error(`${where}: status ${response.status} is not declared for ${key} (declared: ${declaredStatuses}); body ${preview(response.body)}`);
    const statusPointer = route.operation.responses[String(response.status)] ? String(response.status) : `${String(response.status)[0]}XX`;
    const [resolved, pointer] = isReference(declared)
      ? [this.resolve<ResponseObject>(declared.$ref), refPointer(declared.$ref)]
      : [declared, `/paths/${escapePointer(route.template)}/${route.method.toLowerCase()}/responses/${statusPointer}`];
    // The code first: a code the operation does not list is the clearer message of the two.
    if (response.status >= 400) this.checkErrorCode(where, key, resolved, response);
    this.checkBody(where, key, resolved, pointer, response);
    this.validated.set(key, (this.validated.get(key) ?? 0) + 1);
  }

  /**
   * A request no operation matches: the answer must be 404 in the ErrorEnvelope schema with code ROUTE_NOT_FOUND
   * (the document has no operation to declare it; the code is in the envelope's list). Counted as `(no route)`.
   */
  validateUnrouted(response: ObservedResponse): void {
    const where = `${response.method} ${response.url} → ${response.status}`;
    const route = this.route(response.method, response.url);
    if (route) throw new Error(`${where}: expected no operation to match, but ${route.method} ${route.template} does`);
    if (response.status !== 404) throw new Error(`${where}: an unknown route must be 404; body ${preview(response.body)}`);
    if (!response.contentType || !mediaTypeMatches('application/json', response.contentType)) throw new Error(`${where}: content-type ${response.contentType}`);
    const validate = this.schemaAt('/components/schemas/ErrorEnvelope');
    if (!validate(response.body)) throw new Error(`${where}: not the ErrorEnvelope: ${describeErrors(validate.errors).join('; ')}`);
    const code = (response.body as { code?: unknown }).code;
    if (code !== 'ROUTE_NOT_FOUND') throw new Error(`${where}: code ${String(code)}, expected ROUTE_NOT_FOUND`);
    this.validated.set(UNROUTED, (this.validated.get(UNROUTED) ?? 0) + 1);
  }

  /** Errors of a JSON request body against the operation's request schema (empty: conforms or nothing declared). */
  requestErrors(method: string, url: string, body: unknown): string[] {
    const route = this.route(method, url);
    if (!route?.operation.requestBody) return [];
    const [requestBody, pointer] = isReference(route.operation.requestBody)
      ? [this.resolve<{ content?: Record<string, { schema?: unknown }> }>(route.operation.requestBody.$ref), refPointer(route.operation.requestBody.$ref)]
      : [route.operation.requestBody, `/paths/${escapePointer(route.template)}/${route.method.toLowerCase()}/requestBody`];
    if (!requestBody.content?.['application/json']?.schema) return [];
    const validate = this.schemaAt(`${pointer}/content/application~1json/schema`);
    return validate(body) ? [] : describeErrors(validate.errors);
  }

  private checkBody(where: string, key: string, response: ResponseObject, pointer: string, observed: ObservedResponse): void {
    const content = response.content;
    if (!content || Object.keys(content).length === 0) {
      const empty = observed.body === undefined || observed.body === '';
      if (!empty) throw new Error(`${where}: ${key} declares no body for ${observed.status}, got ${preview(observed.body)}`);
      return;
    }
    if (!observed.contentType) throw new Error(`${where}: no content-type; ${key} declares ${Object.keys(content).join(', ')}`);
    const range = Object.keys(content).find((candidate) => mediaTypeMatches(candidate, observed.contentType!));
    if (!range) throw new Error(`${where}: content-type ${observed.contentType} is not one ${key} declares (${Object.keys(content).join(', ')})`);
    if (!/[/+]json$/i.test(observed.contentType.split(';')[0].trim()) || !content[range].schema) return;
    const validate = this.schemaAt(`${pointer}/content/${escapePointer(range)}/schema`);
    if (!validate(observed.body)) {
      throw new Error(
        `${where}: the body does not match ${key}'s ${observed.status} schema:\n  ${describeErrors(validate.errors).join('\n  ')}\nbody: ${preview(observed.body, 1500)}`,
      );
    }
  }

  private checkErrorCode(where: string, key: string, response: ResponseObject, observed: ObservedResponse): void {
    const code = (observed.body as { code?: unknown } | undefined)?.code;
    const codes = this.errorCodes(response);
    if (typeof code !== 'string' || !codes.includes(code)) {
      throw new Error(
        `${where}: code ${String(code)} is not one ${key} lists for ${observed.status} (${codes.join(', ') || 'none'}); body ${preview(observed.body)}`,
      );
    }
  }

  /** The codes of an error response: the `enum` on `code` in its schema's `allOf`. */
  private errorCodes(response: ResponseObject): string[] {
    const schema = response.content?.['application/json']?.schema as { allOf?: { properties?: { code?: { enum?: string[] } } }[] } | undefined;
    return (schema?.allOf ?? []).flatMap((part) => part.properties?.code?.enum ?? []);
  }

  private route(method: string, url: string): Route | undefined {
    const segments = pathOf(url).split('/').slice(1);
    const candidates = this.routes.filter(
      (route) =>
        route.method === method.toUpperCase() &&
        route.segments.length === segments.length &&
        route.segments.every((segment, i) => (segment === null ? segments[i] !== '' : segment === segments[i])),
    );
    // The most literal template wins, segment by segment from the left (`/api/orders/admin` over `/api/orders/{id}`).
    const rank = (route: Route) => route.segments.map((segment) => (segment === null ? '1' : '0')).join('');
    return candidates.sort((a, b) => rank(a).localeCompare(rank(b)))[0];
  }

  private resolve<T>(ref: string): T {
    let node: unknown = this.document;
    for (const token of refPointer(ref).split('/').slice(1)) {
      node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (node === undefined) throw new Error(`the document has no ${ref}`);
    }
    return node as T;
  }

  /** A validator of the schema at a JSON pointer into the document (compiled once). */
  private schemaAt(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      // Pointers into components go through the registered schema; others (inline responses) are compiled from the
      // document with their refs pointed at it.
      validate = pointer.startsWith('/components/')
        ? this.ajv.getSchema(`${DOCUMENT_ID}#${pointer}`)
        : this.ajv.compile(rebase(this.resolve(`#${pointer}`)) as Record<string, unknown>);
      if (!validate) throw new Error(`cannot compile the schema at ${pointer}`);
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/** The path of a URL or path, without its query string. */
function pathOf(url: string): string {
  return new URL(url, 'http://x').pathname;
}

/** `#/components/x` → `/components/x`. */
function refPointer(ref: string): string {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are supported, got ${ref}`);
  return ref.slice(1);
}

/** A copy of a schema whose `#/components/...` refs point to the registered document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([name, value]) => [name, name === '$ref' && typeof value === 'string' ? `${DOCUMENT_ID}#${refPointer(value)}` : rebase(value)]),
  );
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`);
}

function preview(body: unknown, max = 300): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? '(none)' : text.length > max ? `${text.slice(0, max)}…` : text;
}
