import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SENSITIVE_ROUTE } from './sensitive-route.decorator';

const isSensitive = (context: ExecutionContext) => Reflect.getMetadata(SENSITIVE_ROUTE, context.getHandler()) === true;

@Module({ providers: [RedisThrottlerStorage], exports: [RedisThrottlerStorage] })
class ThrottlingStorageModule {}

/** Per-client rate limits for every HTTP route, stricter on @SensitiveRoute(); the client is the address HAProxy forwarded. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, RedisThrottlerStorage],
      useFactory: (config: ServiceEnv, storage: RedisThrottlerStorage) => ({
        storage,
        // Bus messages between services carry no client address: counted, they would all share one budget per handler
        // across the cluster (stock reservations refused past THROTTLE_LIMIT a minute), at a Redis round trip each.
        skipIf: (context) => context.getType() !== 'http',
        throttlers: [
          { name: 'default', limit: config.THROTTLE_LIMIT, ttl: config.THROTTLE_TTL_SECONDS * 1000 },
          {
            name: 'sensitive',
            limit: config.THROTTLE_SENSITIVE_LIMIT,
            ttl: config.THROTTLE_SENSITIVE_TTL_SECONDS * 1000,
            skipIf: (context) => !isSensitive(context),
          },
        ],
      }),
      imports: [ThrottlingStorageModule],
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class ThrottlingModule {}
