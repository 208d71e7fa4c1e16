import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';

/** Where the API document is committed (written by `npm run docs:api`) and shipped with the code. */
export const API_DOCUMENT_FILE = join(findRepoRoot(__dirname), 'docs', 'openapi.json');

/** The committed API document. */
export function readApiDocument(file = API_DOCUMENT_FILE): OpenAPIObject {
  return JSON.parse(readFileSync(file, 'utf8')) as OpenAPIObject;
}

/**
 * Serves the API document at `GET /api/docs/openapi.json` and Swagger UI for people at `GET /api/docs`, its assets from
 * the swagger-ui-dist package (no CDN: an intranet may have none).
 */
export function serveApiDocs(app: NestFastifyApplication, document: OpenAPIObject = readApiDocument()): void {
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs/openapi.json',
    raw: ['json'],
    customSiteTitle: document.info.title,
    swaggerOptions: { docExpansion: 'list', defaultModelsExpandDepth: 0, displayRequestDuration: true },
  });
}
