import { Logger as NestLogger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { Logger as TypeOrmLogger } from 'typeorm';

// Health checks ping every second; counting them would drown the figure that matters (queries per request).
const HEALTH_PING = 'SELECT 1';

/** TypeORM logger that counts the queries sent to MySQL (`db_queries_total`, health pings aside) and logs failed and slow ones. */
export class QueryMetricsLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  constructor(private readonly queries: Counter) {}

  logQuery(query: string): void {
    if (query !== HEALTH_PING) this.queries.inc();
  }
  logQueryError(error: string | Error, query: string): void {
    this.queries.inc();
    this.logger.warn({ msg: 'query failed', error: error instanceof Error ? error.message : error, query: query.slice(0, 200) });
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, query: query.slice(0, 200) });
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
