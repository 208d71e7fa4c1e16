import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { errorCodesOf, errorResponses } from './error-responses';
import { RegisteredRoute, registeredRoutes } from './route-inventory';
import { applyParameterConstraints, applyValidationConstraints } from './validation-constraints';

/** Name of the bearer scheme in `components.securitySchemes`. */
export const BEARER_SCHEME = 'bearer';

const IDEMPOTENCY_HEADER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'One key per user action (a UUID). Repeating the request with the same key answers the first result (same status, same body) and does the work once; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED.',
  schema: { type: 'string', minLength: 1, maxLength: 128 },
};

/** Who may call, as OpenAPI security requirements: `{}` is "no token needed". */
function securityOf(route: RegisteredRoute): Record<string, string[]>[] {
  switch (route.access.mode) {
    case 'anyone':
      return [];
    case 'optional':
    case 'signed-link':
      return [{}, { [BEARER_SCHEME]: [] }];
    default:
      return [{ [BEARER_SCHEME]: [] }];
  }
}

function whoMayCall(route: RegisteredRoute): string {
  const { access } = route;
  switch (access.mode) {
    case 'anyone':
      return 'Anyone.';
    case 'optional':
      return 'Anyone; a token sent is verified.';
    case 'signed-link':
      return 'The owner, staff, or anyone holding a signed link (`exp` and `sig` query parameters).';
    case 'caller':
      return 'Any signed-in caller.';
    case 'users':
      return 'A mini-program user (a staff token is 403).';
    case 'staff':
      return `Staff with the role ${access.roles.join(' or ')}.`;
  }
}

function document(route: RegisteredRoute, operation: OperationObject, service: string, shared: Record<string, ResponseObject>): void {
  operation.tags = [service];
  const security = securityOf(route);
  if (security.length) operation.security = security;
  operation.description = [operation.description, `**Who:** ${whoMayCall(route)}`].filter(Boolean).join('\n\n');
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  if (route.queryDto)
    applyParameterConstraints(
      parameters.filter((parameter) => parameter.in === 'query'),
      route.queryDto,
    );
  if (route.paramsDto)
    applyParameterConstraints(
      parameters.filter((parameter) => parameter.in === 'path'),
      route.paramsDto,
    );
  if (route.idempotent) {
    const others = parameters.filter((parameter) => parameter.name.toLowerCase() !== 'idempotency-key');
    operation.parameters = [...others, IDEMPOTENCY_HEADER];
  }
  const declared = operation.responses;
  const errors = errorResponses(errorCodesOf(route), shared);
  for (const [status, reference] of Object.entries(errors)) {
    const own = declared[status] as ResponseObject | undefined;
    // A route that documents its own headers for an error status (416 Content-Range) keeps them beside the shared body.
    declared[status] = own?.headers ? { ...resolve(reference, shared), headers: { ...resolve(reference, shared).headers, ...own.headers } } : reference;
  }
  for (const [status, response] of Object.entries(declared) as [string, ResponseObject][]) {
    if ('description' in response && !response.description) response.description = SUCCESS_DESCRIPTIONS[status] ?? `HTTP ${status}`;
  }
}

const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'Done; no body',
  '206': 'Part of the content',
  '302': 'Redirect',
  '304': 'Not modified',
};

const resolve = (reference: ReferenceObject, shared: Record<string, ResponseObject>): ResponseObject => shared[reference.$ref.split('/').pop()!];

/** A schema name and the class it was built from, as the swagger plugin's metadata lists them. */
export type ModelClasses = ReadonlyMap<string, Type<unknown>>;

/**
 * Completes each schema with its class's validation rules, and closes every object schema to undeclared fields: the API
 * rejects unknown request fields and answers none it does not document.
 */
function completeSchemas(documentObject: OpenAPIObject, models: ModelClasses): void {
  for (const [name, schema] of Object.entries(documentObject.components?.schemas ?? {}) as [string, SchemaObject][]) {
    const model = models.get(name);
    if (model) applyValidationConstraints(schema, model);
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
}

/** One service's OpenAPI document, built from its module in Nest's preview mode (nothing is instantiated or connected). */
export async function buildServiceDocument(service: string, module: DynamicModule, models: ModelClasses): Promise<OpenAPIObject> {
  const app = await NestFactory.create(module, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  const config = new DocumentBuilder().setOpenAPIVersion('3.1.0').setTitle(service).build();
  const built = SwaggerModule.createDocument(app, config);
  const routes = registeredRoutes(app);
  await app.close();

  const shared: Record<string, ResponseObject> = {};
  for (const route of routes) {
    const operation: OperationObject | undefined = built.paths[route.path]?.[route.method as 'get'];
    if (!operation) throw new Error(`${service}: ${route.method.toUpperCase()} ${route.path} is registered but missing from the document`);
    document(route, operation, service, shared);
  }
  built.components = { ...built.components, responses: shared };
  completeSchemas(built, models);
  return built;
}
