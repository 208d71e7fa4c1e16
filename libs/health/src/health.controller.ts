import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '#libs/auth';
import { DependencyHealth } from './dependency-health';
import { ShutdownState } from './shutdown-state';

/** Liveness and readiness for load balancers and orchestrators (not routed publicly). */
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
    private readonly shutdown: ShutdownState,
  ) {}

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
      await reply.status(HttpStatus.OK).send(result);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      await reply.status(HttpStatus.SERVICE_UNAVAILABLE).send(error.getResponse());
    }
  }
}
