import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '#libs/metrics';

/** Where cached reads were answered from: `local`, `redis`, `loaded` (rebuilt from the database), `degraded` (Redis down) or `stale` (database down). */
export type CacheOutcome = 'local' | 'redis' | 'loaded' | 'waited' | 'degraded' | 'stale';

/** Cache hits and misses per tier and namespace family. */
@Injectable()
export class CacheMetrics {
  private readonly reads: Counter<'outcome' | 'namespace'>;
  /** Label children resolved once per outcome and family: a hit then costs one Map lookup, not prom-client's label hashing. */
  private readonly children = new Map<string, Counter.Internal>();

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
    const colon = namespace.indexOf(':');
    const family = colon < 0 ? namespace : namespace.slice(0, colon);
    const name = `${outcome} ${family}`;
    let child = this.children.get(name);
    if (!child) this.children.set(name, (child = this.reads.labels(outcome, family)));
    child.inc();
  }
}
