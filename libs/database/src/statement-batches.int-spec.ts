import { createConnection } from 'mysql2/promise';
import { Counter, Registry } from 'prom-client';
import { ServiceEnv } from '#libs/config';
import { createTestDatabase, TestDatabase } from '#libs/testing';
import { isDuplicateKey } from './database-errors';
import { parseMysqlUrl } from './parse-mysql-url';
import { StatementBatches } from './statement-batches';
import { WriteResult } from './write-result';

async function rows(url: string, sql: string): Promise<unknown[]> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password, database });
  try {
    return (await connection.query(sql))[0] as unknown[];
  } finally {
    await connection.end();
  }
}

const insert = (id: number, name: string) => ({ sql: 'INSERT INTO things (id, name) VALUES (?, ?)', params: [id, name] });

describe('StatementBatches: a transaction in one round trip (real MariaDB)', () => {
  let database: TestDatabase;
  let batches: StatementBatches;
  let queries: Counter;

  beforeAll(async () => {
    database = await createTestDatabase('batches', { entities: [], migrations: [] });
    await rows(database.url, 'CREATE TABLE things (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)');
    queries = new Counter({ name: 'db_queries_total', help: 'statements', registers: [new Registry()] });
    // Pool size 2: the failing cases below leave both connections used, and any transaction left open would show.
    batches = new StatementBatches({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: 2 } as ServiceEnv, queries);
  });
  afterAll(async () => {
    await batches?.onApplicationShutdown();
    await database?.drop();
  });
  beforeEach(() => rows(database.url, 'DELETE FROM things'));

  it('commits every statement and answers their results in order', async () => {
    const before = (await queries.get()).values[0]?.value ?? 0;
    const results = await batches.transaction([
      insert(1, 'one'),
      { sql: 'UPDATE things SET name = ? WHERE id = ?', params: ['uno', 1] },
      { sql: 'SELECT id, name FROM things WHERE id IN (?, ?)', params: [1, 2] },
    ]);
    expect(results).toHaveLength(3);
    expect((results[1] as WriteResult).affectedRows).toBe(1);
    expect(results[2]).toEqual([{ id: 1, name: 'uno' }]);
    expect(await rows(database.url, 'SELECT id, name FROM things')).toEqual([{ id: 1, name: 'uno' }]);
    // START TRANSACTION, the three statements, COMMIT.
    expect((await queries.get()).values[0].value - before).toBe(5);
  });

  it('takes values only as parameters: a value holding SQL is stored as text', async () => {
    await batches.transaction([insert(3, "x'); DROP TABLE things; --")]);
    expect(await rows(database.url, 'SELECT name FROM things')).toEqual([{ name: "x'); DROP TABLE things; --" }]);
  });

  it('rolls everything back when a statement fails, and leaves no transaction open on its connections', async () => {
    await batches.transaction([insert(1, 'kept')]);
    const failed = batches.transaction([insert(2, 'not kept'), insert(1, 'duplicate'), insert(4, 'never run')]);
    const error: unknown = await failed.catch((reason: unknown) => reason);
    expect(isDuplicateKey(error, 'PRIMARY')).toBe(true);
    // Both connections of the pool in turn: a transaction left open would be committed by the next START TRANSACTION.
    await Promise.all([batches.transaction([insert(10, 'a')]), batches.transaction([insert(11, 'b')])]);
    await batches.transaction([insert(12, 'c')]);
    expect(await rows(database.url, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }, { id: 10 }, { id: 11 }, { id: 12 }]);
  });

  it('with a check: commits when it passes, rolls back and throws its error when it refuses', async () => {
    const seen: unknown[][] = [];
    await batches.transaction([insert(1, 'checked'), { sql: 'SELECT COUNT(*) AS n FROM things', params: [] }], (results) => {
      seen.push(results);
    });
    expect(seen[0][1]).toEqual([{ n: 1 }]);
    const refusal = new Error('refused');
    await expect(
      batches.transaction([insert(2, 'refused')], () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    await Promise.all([batches.transaction([insert(20, 'a')]), batches.transaction([insert(21, 'b')])]);
    expect(await rows(database.url, 'SELECT id FROM things ORDER BY id')).toEqual([{ id: 1 }, { id: 20 }, { id: 21 }]);
  });
});
