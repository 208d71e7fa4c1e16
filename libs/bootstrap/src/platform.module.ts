import { DynamicModule, Module } from '@nestjs/common';
import { AuthGuardModule } from '#libs/auth';
import { ConfigModule, ServiceEnv } from '#libs/config';
import { DatabaseModule, ServiceSchema } from '#libs/database';
import { ErrorTrackingModule } from '#libs/error-tracking';
import { HealthModule } from '#libs/health';
import { MessagingModule } from '#libs/messaging';
import { MetricsModule } from '#libs/metrics';
import { RedisModule } from '#libs/redis';
import { ThrottlingModule } from '#libs/throttling';

/** Everything a service stands on: config, its database, Redis, the bus, the auth guard, health, metrics, error tracking, rate limits. */
@Module({})
export class PlatformModule {
  /** Wires the shared infrastructure for service `name` with its validated `config` and its own `schema`. */
  static forService(name: string, config: ServiceEnv, schema: ServiceSchema): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forService(name, schema),
        RedisModule.forService(name),
        MessagingModule.forService(name),
        AuthGuardModule,
        HealthModule,
        MetricsModule.forService(name),
        ErrorTrackingModule,
        ThrottlingModule,
      ],
    };
  }
}
