import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import type { ServiceDefinition } from '#libs/bootstrap';
import { loadConfig, ServiceEnv } from '#libs/config';
import { createTestDatabase } from './test-database';
import { createTestRedisNamespace, testServiceEnv } from './test-redis';
import { startTestService, TestService } from './test-service';

/** A made-up service for testing the shared libs: the real platform wiring plus the test's own controllers. */
export interface PlatformTestAppOptions {
  /** The service name; also its queue group on the bus. */
  name: string;
  controllers?: Type<unknown>[];
  providers?: Provider[];
  /** Overrides any variable (JWT_PUBLIC_KEYS is required). */
  env: Record<string, string>;
  answersMessages?: boolean;
  /** Routes outside Nest's controllers, as a service definition's `configureApp`. */
  configureApp?: ServiceDefinition['configureApp'];
}

/** A running platform test app; close() also drops its database and keys. */
export interface PlatformTestApp extends TestService {
  env: Record<string, string>;
}

@Module({})
class PlatformTestModule {}

/** Starts a service with no tables of its own, its own database and Redis keys, on a free loopback port. */
export async function startPlatformTestApp(options: PlatformTestAppOptions): Promise<PlatformTestApp> {
  const database = await createTestDatabase(options.name.replace(/[^a-z0-9]/gi, '').slice(0, 12) || 'lib', { entities: [], migrations: [] });
  const redis = createTestRedisNamespace(options.name);
  const env: Record<string, string> = {
    ...testServiceEnv({ databaseUrl: database.url, redis }),
    ...options.env,
  };
  const cleanUp = () => Promise.allSettled([database.drop(), redis.cleanUp()]);
  try {
    const config = loadConfig(ServiceEnv, env);
    const module: DynamicModule = {
      module: PlatformTestModule,
      imports: [PlatformModule.forService(options.name, config, { entities: [], migrations: [] })],
      controllers: options.controllers ?? [],
      providers: options.providers ?? [],
    };
    const service = await startTestService({
      name: options.name,
      module,
      config,
      answersMessages: options.answersMessages ?? false,
      configureApp: options.configureApp,
    });
    return {
      ...service,
      env,
      async close() {
        await service.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
