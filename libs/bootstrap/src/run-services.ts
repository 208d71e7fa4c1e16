import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from 'pino';
import { ShutdownState } from '#libs/health';
import { MetricsRegistry } from '#libs/metrics';
import { createServiceApp } from './create-service-app';
import { answerClientError } from './framework-errors';
import { ServiceDefinition } from './service-definition';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One of the services of a shared process, built but not listening: requests reach it through its Fastify server. */
interface MountedService {
  definition: ServiceDefinition;
  app: NestFastifyApplication;
  server: Server;
}

/** Where a path goes: the service whose prefix it starts with (followed by `/` or the end), else the first one (its 404). */
function serviceFor(services: MountedService[], url: string): MountedService {
  const path = url.split('?')[0];
  const owns = (prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  return services.find(({ definition }) => definition.routes?.some(owns)) ?? services[0];
}

/** Readiness of the process: every service ready, each one's answer under its name. */
async function readiness(services: MountedService[], response: ServerResponse): Promise<void> {
  const answers = await Promise.all(
    services.map(async ({ definition, app }) => {
      const reply = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/health/ready' });
      return [definition.name, reply.statusCode, reply.json<unknown>()] as const;
    }),
  );
  const ready = answers.every(([, status]) => status === 200);
  response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' });
  response.end(
    JSON.stringify({ status: ready ? 'ok' : 'error', services: Object.fromEntries(answers.map(([name, status, body]) => [name, { status, body }])) }),
  );
}

/** One Prometheus scrape for the process: every service's registry, each series keeping its `service` label. */
async function metrics(services: MountedService[], response: ServerResponse): Promise<void> {
  const registries = services.map(({ app }) => app.get(MetricsRegistry).registry);
  const families = await Promise.all(registries.map((registry) => registry.getMetricsAsJSON()));
  // No two services' series share their labels (each has its own `service`), so every series is kept as it is: the
  // families' own aggregators are for replicas of one service (`omit` would drop process_start_time_seconds).
  const merged = AggregatorRegistry.aggregate(families.map((list) => list.map((family) => ({ ...family, aggregator: 'sum' as const }))));
  response.writeHead(200, { 'content-type': merged.contentType });
  response.end(await merged.metrics());
}

/**
 * Runs several services in one process on one port (stage 2: one small machine), each its own Nest app with its own
 * database, Redis keys, bus connections and queue group, exactly as when it runs alone; what crosses a service
 * boundary still crosses it as a bus message, so splitting them later is only configuration. One HTTP server hands
 * each request to the service that owns its path; `/health/ready` is ready when every service is, and `/metrics`
 * holds every service's series.
 */
export async function runServices(definitions: ServiceDefinition[], listen: { port: number; host: string }, logger: Logger): Promise<void> {
  const services: MountedService[] = [];
  for (const definition of definitions) {
    const { app } = await createServiceApp(definition);
    await app.startAllMicroservices();
    await app.init();
    const fastify = app.getHttpAdapter().getInstance();
    await fastify.ready();
    services.push({ definition, app, server: fastify.server });
  }

  const front = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    if (request.method === 'GET' && path.split('?')[0] === '/health/ready') return void readiness(services, response).catch(() => response.destroy());
    if (request.method === 'GET' && path.split('?')[0] === '/metrics') return void metrics(services, response).catch(() => response.destroy());
    serviceFor(services, path).server.emit('request', request, response);
  });
  // The timeouts each service's own server would have.
  const model = services[0].server;
  Object.assign(front, { keepAliveTimeout: model.keepAliveTimeout, requestTimeout: model.requestTimeout, headersTimeout: model.headersTimeout });
  front.on('clientError', answerClientError);
  await new Promise<void>((resolve) => front.listen(listen.port, listen.host, resolve));
  logger.info(
    { port: listen.port, pid: process.pid, services: definitions.map(({ name }) => name) },
    `${definitions.map(({ name }) => name).join(', ')} listening`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drainMs = Math.max(...definitions.map(({ config }) => config.SHUTDOWN_DRAIN_MS));
    logger.info({ signal, drainMs }, 'draining: readiness now fails');
    for (const { app } of services) app.get(ShutdownState).beginDrain();
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, drainMs + 15000).unref();
    await sleep(drainMs);
    // New connections are refused and idle ones closed; requests in flight finish before the services close under them.
    const closed = new Promise((resolve) => front.close(resolve));
    front.closeIdleConnections();
    await Promise.race([closed, sleep(10000)]);
    front.closeAllConnections();
    // Dependants first: orders' jobs still reach catalog over the bus while orders closes.
    for (const { app } of [...services].reverse()) await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
