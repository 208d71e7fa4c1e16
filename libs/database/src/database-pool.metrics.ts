import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '#libs/metrics';

/** The parts of mysql2's callback Pool read here (not in its typings: mysql2 keeps them on the instance). */
interface Mysql2PoolInternals {
  config?: { connectionLimit?: number };
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * The service's MySQL connection pool, sampled on each scrape: connections in use and idle
 * (`db_pool_connections{state}`), its size limit (`db_pool_max_connections`) and the queries waiting for a
 * free connection (`db_pool_pending_acquires`, above 0 means the pool is the bottleneck).
 */
@Injectable()
export class DatabasePoolMetrics {
  constructor(dataSource: DataSource, metrics: MetricsRegistry) {
    const pool = () => (dataSource.isInitialized ? ((dataSource.driver as unknown as { pool?: Mysql2PoolInternals }).pool ?? undefined) : undefined);
    metrics.gauge({
      name: 'db_pool_connections',
      help: 'MySQL pool connections by state (in_use, idle)',
      labelNames: ['state'],
      collect() {
        const current = pool();
        if (!current?._allConnections || !current._freeConnections) return;
        const idle = current._freeConnections.length;
        this.set({ state: 'in_use' }, current._allConnections.length - idle);
        this.set({ state: 'idle' }, idle);
      },
    });
    metrics.gauge({
      name: 'db_pool_max_connections',
      help: 'Size limit of the MySQL pool (DATABASE_POOL_SIZE)',
      collect() {
        const limit = pool()?.config?.connectionLimit;
        if (limit !== undefined) this.set(limit);
      },
    });
    metrics.gauge({
      name: 'db_pool_pending_acquires',
      help: 'Queries waiting for a free MySQL pool connection',
      collect() {
        const queue = pool()?._connectionQueue;
        if (queue) this.set(queue.length);
      },
    });
  }
}
