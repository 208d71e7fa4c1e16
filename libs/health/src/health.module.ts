import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DependencyHealth } from './dependency-health';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown-state';

/** GET /health/live and /health/ready, and the drain state SIGTERM flips. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DependencyHealth, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
