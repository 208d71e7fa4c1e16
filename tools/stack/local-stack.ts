import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';

/** Where `npm run stack` keeps its logs, secrets, upload files and (npm run backup) backups. */
export const LOCAL_STACK_DIR = join(findRepoRoot(__dirname), '.stack');

/** A database of the local stack (`mp_<service>` on MYSQL_ADMIN_URL's server), reached as that server's admin. */
export function localStackDatabaseUrl(service: string, env: NodeJS.ProcessEnv = process.env): string {
  const url = new URL(env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql');
  url.pathname = `/mp_${service}`;
  return url.toString();
}

/**
 * `env` for a tool run against the local stack when it names no database of its own: every `<SERVICE>_DATABASE_URL`
 * the local stack's, its upload files, and backups under `.stack/backups`. An environment that names any database is
 * left as it is, so a real deployment never falls back to these.
 */
export function withLocalStackDefaults(env: NodeJS.ProcessEnv, services: readonly string[]): { env: NodeJS.ProcessEnv; localStack: boolean } {
  const variables = services.map((service) => `${service.toUpperCase()}_DATABASE_URL`);
  if (variables.some((variable) => env[variable] || env[`${variable}_FILE`])) return { env, localStack: false };
  return {
    localStack: true,
    env: {
      ...env,
      ...Object.fromEntries(services.map((service, index) => [variables[index], localStackDatabaseUrl(service, env)])),
      UPLOAD_LOCAL_DIR: env.UPLOAD_LOCAL_DIR ?? join(LOCAL_STACK_DIR, 'uploads'),
      ...(env.BACKUP_DIR || env.BACKUP_S3_BUCKET ? {} : { BACKUP_DIR: join(LOCAL_STACK_DIR, 'backups') }),
    },
  };
}
