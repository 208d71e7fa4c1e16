import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ErrorTracker } from '#libs/error-tracking';
import { AllExceptionsFilter } from '#libs/errors';
import { createLogger, PinoNestLogger, requestIdFor } from '#libs/logging';
import { natsServerOptions } from '#libs/messaging';
import { MetricsRegistry } from '#libs/metrics';
import { answerClientError, answerFrameworkError } from './framework-errors';
import { installHttpHooks } from './install-http-hooks';
import { installJsonBodyParser } from './json-body-parser';
import { httpServerWithMethodOverride } from './method-override';
import { installResponseCompression } from './response-compression';
import { ServiceDefinition } from './service-definition';
import { createValidationPipe } from './validation-pipe';

/** A service's app with everything every service shares wired in, not yet listening. */
export interface ServiceApp {
  app: NestFastifyApplication;
  logger: Logger;
}

/** Builds the Nest app on Fastify with the shared conventions (used by main.ts and by tests alike). */
export async function createServiceApp(definition: ServiceDefinition): Promise<ServiceApp> {
  const { config, name } = definition;
  const logger = createLogger({ service: name, instance: config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`, level: config.LOG_LEVEL });
  const adapter = new FastifyAdapter({
    trustProxy: config.TRUSTED_PROXIES,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    serverFactory: httpServerWithMethodOverride,
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // JSON in and out: Fastify's own JSON parser only (Nest would add a form parser); text/plain is removed below.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Otherwise Fastify hands text/plain bodies to the DTOs as strings instead of answering 415.
  fastify.removeContentTypeParser('text/plain');
  installJsonBodyParser(fastify);
  installHttpHooks(fastify, app.get(MetricsRegistry), logger, config.ACCESS_LOG);
  await installResponseCompression(fastify);
  definition.configureFastify?.(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(ErrorTracker, { strict: false })));
  definition.configureApp?.(app);

  if (definition.answersMessages) {
    app.connectMicroservice<MicroserviceOptions>(natsServerOptions(config, name), { inheritAppConfig: true });
  }
  return { app, logger };
}
