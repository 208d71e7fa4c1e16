import { ShutdownState } from '#libs/health';
import { createServiceApp } from './create-service-app';
import { ServiceDefinition } from './service-definition';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a service and stops it gracefully: on SIGTERM readiness fails first, the replica keeps serving
 * for SHUTDOWN_DRAIN_MS while the load balancer takes it out, then in-flight requests finish and connections close.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const { app, logger } = await createServiceApp(definition);
  await app.startAllMicroservices();
  await app.listen({ port: definition.config.PORT, host: definition.config.HOST });
  logger.info({ port: definition.config.PORT, pid: process.pid }, `${definition.name} listening`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drainMs = definition.config.SHUTDOWN_DRAIN_MS;
    logger.info({ signal, drainMs }, 'draining: readiness now fails');
    app.get(ShutdownState).beginDrain();
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, drainMs + 15000).unref();
    await sleep(drainMs);
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
