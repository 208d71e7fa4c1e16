import { randomBytes } from 'node:crypto';
import { dropServiceDatabase, provisionServiceDatabase, runMigrations, ServiceSchema } from '#libs/database';

/** The MySQL administrator tests use to make and drop their own databases. */
export const MYSQL_ADMIN_URL = process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

/** A migrated database and user of its own for one test file. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `t_<service>_<random>` with its own user, applies the service's migrations. */
export async function createTestDatabase(service: string, schema: ServiceSchema): Promise<TestDatabase> {
  const name = `t_${service}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const admin = new URL(MYSQL_ADMIN_URL);
  const url = `mysql://${name}:${password}@${admin.host}/${name}`;
  await provisionServiceDatabase(MYSQL_ADMIN_URL, url);
  await runMigrations(url, schema);
  return { url, drop: () => dropServiceDatabase(MYSQL_ADMIN_URL, url) };
}
