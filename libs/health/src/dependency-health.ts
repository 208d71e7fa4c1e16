import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import Redis from 'ioredis';
import { NATS_CONNECTION } from '#libs/messaging';
import { REDIS } from '#libs/redis';

const CHECK_TIMEOUT_MS = 1000;

/** Probes of the three things a replica needs to serve: its database, Redis and the message bus. */
@Injectable()
export class DependencyHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  /** SELECT 1 on the service's database. */
  database(): PromiseLike<HealthIndicatorResult> {
    return this.typeorm.pingCheck('mysql').withTimeout(CHECK_TIMEOUT_MS);
  }

  /** PING on the service's Redis connection. */
  redisPing(): PromiseLike<HealthIndicatorResult> {
    return this.indicators
      .check('redis')
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  /** A round trip to the NATS server. */
  natsRoundTrip(): PromiseLike<HealthIndicatorResult> {
    return this.indicators
      .check('nats')
      .attempt(async () => {
        if (this.nats.isClosed()) throw new Error('connection closed');
        await this.nats.flush();
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}
