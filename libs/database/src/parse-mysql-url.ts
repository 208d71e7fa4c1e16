/** The parts of a mysql:// URL that TypeORM and mysql2 take separately. */
export interface MysqlConnectionParts {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

/** Splits `mysql://user:password@host:port/database` (user and password URL-encoded). */
export function parseMysqlUrl(url: string): MysqlConnectionParts {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:') throw new Error('DATABASE_URL must use the mysql:// scheme');
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, ''),
  };
}
