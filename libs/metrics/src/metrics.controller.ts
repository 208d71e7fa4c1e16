import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '#libs/auth';
import { MetricsRegistry } from './metrics-registry';

/** GET /metrics in the Prometheus text format (not routed publicly). */
@Public()
@SkipThrottle()
// Operations routes: not routed publicly, so not in the public API document.
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
