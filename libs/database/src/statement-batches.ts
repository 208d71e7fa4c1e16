import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createPool, Pool, PoolConnection } from 'mysql2/promise';
import { Counter } from 'prom-client';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { parseMysqlUrl } from './parse-mysql-url';

/** One SQL statement with `?` placeholders and their values (mysql2 escapes them; nothing is concatenated). */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The counter of statements sent (`db_queries_total`), shared with the TypeORM logger. */
export const DB_QUERIES = Symbol('DB_QUERIES');

/**
 * Runs a transaction's statements in one round trip to MySQL instead of one each: on this kind of machine a round
 * trip costs more CPU than the statement (docs/performance.md, "Orders"; docs/decisions/statement-batches.md). Its
 * own small pool, opened with mysql2's `multipleStatements`, so that no other query of the service can ever be sent
 * as several; only Statement lists built with placeholders go through it.
 */
@Injectable()
export class StatementBatches implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    @Inject(APP_CONFIG) config: ServiceEnv,
    @Inject(DB_QUERIES) private readonly queries: Counter,
  ) {
    const { username, ...connection } = parseMysqlUrl(config.DATABASE_URL);
    const size = Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / 2));
    this.pool = createPool({
      ...connection,
      user: username,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      connectionLimit: size,
      maxIdle: size,
      idleTimeout: 60000,
      enableKeepAlive: true,
      connectTimeout: 3000,
      multipleStatements: true,
      trace: false,
    });
  }

  /**
   * Runs the statements in one transaction and answers their results, in order. With `check`, the transaction stays
   * open while `check` reads the results: if it throws, everything is rolled back and its error thrown; otherwise it
   * commits (a second round trip). Without, the commit goes in the same round trip. A failing statement rolls back
   * the whole transaction and its error is thrown (as mysql2 gives it: `isDuplicateKey` reads it).
   */
  async transaction(statements: Statement[], check?: (results: unknown[]) => void): Promise<unknown[]> {
    const connection = await this.pool.getConnection();
    let open = false;
    try {
      const batch = [{ sql: 'START TRANSACTION', params: [] }, ...statements];
      if (!check) batch.push({ sql: 'COMMIT', params: [] });
      open = true;
      const results = await this.send(connection, batch);
      const answers = results.slice(1, statements.length + 1);
      if (check) {
        check(answers);
        await this.send(connection, [{ sql: 'COMMIT', params: [] }]);
      }
      open = false;
      return answers;
    } catch (error) {
      if (open) await this.rollBack(connection);
      throw error;
    } finally {
      connection.release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  private async send(connection: PoolConnection, statements: Statement[]): Promise<unknown[]> {
    this.queries.inc(statements.length);
    const [results] = await connection.query(
      statements.map((statement) => statement.sql).join(';\n'),
      statements.flatMap((statement) => statement.params),
    );
    return statements.length === 1 ? [results] : (results as unknown[]);
  }

  /** After a failed statement MySQL leaves the transaction open on the connection; a connection that cannot roll back is dropped. */
  private async rollBack(connection: PoolConnection): Promise<void> {
    try {
      await connection.query('ROLLBACK');
    } catch {
      connection.destroy();
    }
  }
}
