import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/** Where cached reads were answered from: `local`, `redis`, `loaded` (rebuilt from the database), `degraded` (Redis down) or `stale` (database down). */
export type CacheOutcome = 'local' | 'redis' | 'loaded' | 'waited' | 'degraded' | 'stale';

/** Cache hits and misses per tier and namespace family. */
@Injectable()
export class CacheMetrics {
  private readonly reads: Counter<'outcome' | 'namespace'>;

  constructor(metrics: MetricsRegistry) {
    this.reads = new Counter({
      name: 'cache_reads_total',
      help: 'Cached reads by where they were answered from',
      labelNames: ['outcome', 'namespace'],
      registers: [metrics.registry],
    });
  }

  /** `namespace` is reduced to its family (`product:01H...` counts as `product`). */
  count(outcome: CacheOutcome, namespace: string): void {
    this.reads.inc({ outcome, namespace: namespace.split(':')[0] });
  }
}
