import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { controllersOf, isExcludedController, readApiDocument, routesOfController } from '#libs/api-docs';
import { findRepoRoot, loadConfig } from '#libs/config';
import { AuthModule } from '../../apps/auth/src/auth.module';
import { AuthEnv } from '../../apps/auth/src/config/auth-env';
import { CatalogModule } from '../../apps/catalog/src/catalog.module';
import { CatalogEnv } from '../../apps/catalog/src/config/catalog-env';
import { OrdersEnv } from '../../apps/orders/src/config/orders-env';
import { OrdersModule } from '../../apps/orders/src/orders.module';
import { UploadEnv } from '../../apps/upload/src/config/upload-env';
import { UploadModule } from '../../apps/upload/src/upload.module';
import { documentationEnv } from './documentation-env';

const ROOT = findRepoRoot(__dirname);
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

function operationsOf(document: OpenAPIObject): { method: string; path: string; operation: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] as OperationObject })),
  );
}

const resolveResponse = (document: OpenAPIObject, response: ResponseObject | ReferenceObject): ResponseObject =>
  '$ref' in response ? (document.components!.responses![response.$ref.split('/').pop()!] as ResponseObject) : response;

describe('the API document (docs/openapi.json)', () => {
  const document = readApiDocument();
  const apps: Record<string, INestApplication> = {};

  beforeAll(async () => {
    const env = await documentationEnv();
    const modules = {
      auth: AuthModule.register(loadConfig(AuthEnv, env)),
      catalog: CatalogModule.register(loadConfig(CatalogEnv, env)),
      orders: OrdersModule.register(loadConfig(OrdersEnv, env)),
      upload: UploadModule.register(loadConfig(UploadEnv, env)),
    };
    for (const [service, module] of Object.entries(modules)) {
      apps[service] = await NestFactory.create(module, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
    }
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
  });

  it('is what the code generates today (npm run docs:api rewrites it)', async () => {
    // The built tools regenerate the plugin metadata and the document and compare them with the committed files.
    await expect(promisify(execFile)(process.execPath, [join(ROOT, 'dist/tools/api-docs/main.js'), 'check'], { cwd: ROOT })).resolves.toBeDefined();
  }, 180_000);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('holds every route every service registers, and nothing else', () => {
    const registered = Object.values(apps).flatMap((app) =>
      controllersOf(app)
        .filter((controller) => !isExcludedController(controller))
        .flatMap(routesOfController)
        .map((route) => `${route.method.toUpperCase()} ${route.path}`),
    );
    const documented = operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(registered.length).toBeGreaterThan(60);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it('leaves out only the operations controllers (health and metrics), which the load balancer does not route', () => {
    const excluded = new Set<Type<unknown>>(Object.values(apps).flatMap((app) => controllersOf(app).filter(isExcludedController)));
    expect([...excluded].map((controller) => controller.name).sort()).toEqual(['HealthController', 'MetricsController']);
  });

  it('gives every operation a summary, a service tag, a success response with a real schema, and its error codes', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, summary: typeof operation.summary === 'string' && operation.summary.length > 0 }).toEqual({ where, summary: true });
      expect(operation.tags).toHaveLength(1);
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((status) => /^[23]/.test(status));
      expect({ where, success: success.length > 0 }).toEqual({ where, success: true });
      for (const status of success) {
        const response = resolveResponse(document, operation.responses[status]!);
        for (const media of Object.values(response.content ?? {})) {
          const schema = media.schema as SchemaObject | ReferenceObject;
          const described = '$ref' in schema || schema.type !== 'object' || schema.properties !== undefined;
          expect({ where, status, described }).toEqual({ where, status, described: true });
        }
      }
      expect(statuses).toEqual(expect.arrayContaining(['400', '500', '503']));
    }
  });

  it('requires the bearer token where the guard does, and states the Idempotency-Key where the route honours one', () => {
    const operation = (path: string, method: 'get' | 'post') => document.paths[path][method]!;
    expect(operation('/api/auth/me', 'get').security).toEqual([{ bearer: [] }]);
    expect(operation('/api/auth/me', 'get').responses['401']).toBeDefined();
    expect(operation('/api/catalog/home', 'get').security).toBeUndefined();
    expect(operation('/api/catalog/home', 'get').responses['401']).toBeUndefined();
    expect(operation('/api/orders/admin', 'get').responses['403']).toBeDefined();
    for (const path of ['/api/orders', '/api/appointments']) {
      expect(operation(path, 'post').parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
      const codes = (resolveResponse(document, operation(path, 'post').responses['422']!).content!['application/json'].schema as SchemaObject).allOf!;
      expect(JSON.stringify(codes)).toContain('IDEMPOTENCY_KEY_REUSED');
    }
  });

  it('states the limits validation enforces', () => {
    const schemas = document.components!.schemas as Record<string, SchemaObject>;
    const nickname = schemas.UpdateProfileDto.properties!.nickname as SchemaObject;
    expect(nickname).toMatchObject({ type: 'string', minLength: 1, maxLength: 32 });
    expect(schemas.UpdateProfileDto.additionalProperties).toBe(false);
    const limit = document.paths['/api/catalog/products'].get!.parameters!.find((parameter) => 'name' in parameter && parameter.name === 'limit');
    expect(limit).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
    const id = document.paths['/api/orders/{id}'].get!.parameters!.find((parameter) => 'name' in parameter && parameter.name === 'id');
    expect(id).toMatchObject({ in: 'path', required: true, schema: { pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' } });
  });
});
