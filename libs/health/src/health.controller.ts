import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Gauge } from 'prom-client';
import { Public } from '#libs/auth';
import { MetricsRegistry } from '#libs/metrics';
import { DependencyHealth } from './dependency-health';
import { ShutdownState } from './shutdown-state';

/**
 * Liveness and readiness for load balancers and orchestrators (not routed publicly). Each readiness check also
 * records what it found in `dependency_up{dependency}` (1 up, 0 down): the load balancer's checks every second
 * keep it fresh, and an alert on it names the dependency a replica cannot reach.
 */
@Public()
@SkipThrottle()
// Operations routes: not routed publicly, so not in the public API document.
@ApiExcludeController()
@Controller('health')
export class HealthController {
  private readonly dependencyUp: Gauge<'dependency'>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
    private readonly shutdown: ShutdownState,
    metrics: MetricsRegistry,
  ) {
    this.dependencyUp = metrics.gauge({
      name: 'dependency_up',
      help: 'Whether the last readiness check reached the dependency (mysql, redis, nats)',
      labelNames: ['dependency'],
    });
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    if (this.shutdown.isDraining) {
      await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send({ status: 'draining' });
      return;
    }
    try {
      const result = await this.health.check([
        () => this.dependencies.database(),
        () => this.dependencies.redisPing(),
        () => this.dependencies.natsRoundTrip(),
      ]);
      this.record(result);
      await reply.status(HttpStatus.OK).send(result);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      this.record(error.getResponse() as HealthCheckResult);
      await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send(error.getResponse());
    }
  }

  private record(result: HealthCheckResult): void {
    for (const [dependency, detail] of Object.entries(result.details ?? {})) this.dependencyUp.set({ dependency }, detail.status === 'up' ? 1 : 0);
  }
}
