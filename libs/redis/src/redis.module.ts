import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { createRedis } from './create-redis';

/** Injection token: this service's Redis connection, keys prefixed with the service's own prefix. */
export const REDIS = Symbol('REDIS');
/** Injection token: connection to the keys every service shares (revoked sessions, the WeChat token). */
export const SHARED_REDIS = Symbol('SHARED_REDIS');

@Injectable()
class RedisConnectionsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly own: Redis,
    @Inject(SHARED_REDIS) private readonly shared: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.own.quit(), this.shared.quit()]);
  }
}

/** Provides REDIS and SHARED_REDIS for a service, closed when the app closes. */
@Global()
@Module({})
export class RedisModule {
  /** `service` names the default key prefix (`<service>:`). */
  static forService(service: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          inject: [APP_CONFIG],
          useFactory: (config: ServiceEnv) => createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX ?? `${service}:`, connectionName: service }),
        },
        {
          provide: SHARED_REDIS,
          inject: [APP_CONFIG],
          useFactory: (config: ServiceEnv) => createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_SHARED_PREFIX, connectionName: `${service}-shared` }),
        },
        RedisConnectionsCloser,
      ],
      exports: [REDIS, SHARED_REDIS],
    };
  }
}
