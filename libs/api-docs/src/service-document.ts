import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { errorCodesOf, errorResponses } from './error-responses';
import { RegisteredRoute, registeredRoutes } from './route-inventory';

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
  if (route.idempotent) {
    const parameters = (operation.parameters ?? []).filter((parameter) => !('name' in parameter) || parameter.name.toLowerCase() !== 'idempotency-key');
    operation.parameters = [...parameters, IDEMPOTENCY_HEADER];
  }
  operation.responses = { ...operation.responses, ...errorResponses(errorCodesOf(route), shared) };
}

/** Closes every object schema to undeclared fields: the API rejects unknown request fields and answers none it does not document. */
function closeObjectSchemas(documentObject: OpenAPIObject): void {
  for (const schema of Object.values(documentObject.components?.schemas ?? {}) as SchemaObject[]) {
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
}

/** One service's OpenAPI document, built from its module in Nest's preview mode (nothing is instantiated or connected). */
export async function buildServiceDocument(service: string, module: DynamicModule): Promise<OpenAPIObject> {
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
  closeObjectSchemas(built);
  return built;
}
