import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { MYSQL_ADMIN_URL } from '#libs/testing';
import { parseMysqlUrl } from './parse-mysql-url';
import { dropServiceDatabase, provisionServiceDatabase } from './provision-database';
import { runMigrations } from './run-migrations';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE things (id INT PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE things');
  }
}

const host = new URL(MYSQL_ADMIN_URL).host;
const serviceUrl = (name: string, password: string) => `mysql://${name}:${password}@${host}/${name}`;

async function query(url: string, sql: string): Promise<unknown[]> {
  const { host: hostname, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host: hostname, port, user: username, password, database });
  try {
    return (await connection.query(sql))[0] as unknown[];
  } finally {
    await connection.end();
  }
}

describe('provisioning a service database (real MariaDB)', () => {
  const run = randomBytes(4).toString('hex');
  const mine = serviceUrl(`t_prov_a_${run}`, 'first-password');
  const theirs = serviceUrl(`t_prov_b_${run}`, 'their-password');

  afterAll(() => Promise.allSettled([mine, theirs].map((url) => dropServiceDatabase(MYSQL_ADMIN_URL, url))));

  it('gives each service a user that can use its own database and no other', async () => {
    await provisionServiceDatabase(MYSQL_ADMIN_URL, mine);
    await provisionServiceDatabase(MYSQL_ADMIN_URL, theirs);
    await query(theirs, 'CREATE TABLE secrets (id INT)');
    await query(mine, 'CREATE TABLE own (id INT)');
    await expect(query(mine, `SELECT * FROM \`t_prov_b_${run}\`.secrets`)).rejects.toMatchObject({
      code: expect.stringMatching(/ACCESS_DENIED|DBACCESS_DENIED/),
    });
  });

  it('is idempotent and resets the password to the one in the URL', async () => {
    const rotated = serviceUrl(`t_prov_a_${run}`, 'second-password');
    await provisionServiceDatabase(MYSQL_ADMIN_URL, rotated);
    await expect(query(rotated, 'SELECT * FROM own')).resolves.toEqual([]);
    await expect(query(mine, 'SELECT 1')).rejects.toMatchObject({ code: expect.stringMatching(/^ER_ACCESS_DENIED/) });
  });

  it('applies pending migrations once', async () => {
    const schema = { entities: [], migrations: [CreateThings1700000000000] };
    expect(await runMigrations(theirs, schema)).toEqual(['CreateThings1700000000000']);
    expect(await runMigrations(theirs, schema)).toEqual([]);
    await expect(query(theirs, 'SELECT * FROM things')).resolves.toEqual([]);
  });

  it('drops the database and its user', async () => {
    await dropServiceDatabase(MYSQL_ADMIN_URL, theirs);
    await expect(query(theirs, 'SELECT 1')).rejects.toMatchObject({ code: expect.stringMatching(/^ER_ACCESS_DENIED/) });
  });

  it('refuses names that are not plain identifiers', async () => {
    await expect(provisionServiceDatabase(MYSQL_ADMIN_URL, `mysql://x:pw@${host}/bad%60name`)).rejects.toThrow(/unsafe/);
    await expect(provisionServiceDatabase(MYSQL_ADMIN_URL, `mysql://a%27b:pw@${host}/fine`)).rejects.toThrow(/unsafe/);
  });
});
