import { provisionServiceDatabase, runMigrations } from '#libs/database';
import { SERVICE_SCHEMAS } from './service-schemas';

// Usage: npm run migrate [-- auth catalog]
// <SERVICE>_DATABASE_URL is each service's own connection; with MYSQL_ADMIN_URL set, the databases and
// per-service users are created first (local stack, compose); without it they must already exist (managed MySQL).
async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const services = requested.length ? requested : Object.keys(SERVICE_SCHEMAS);
  for (const service of services) {
    const schema = SERVICE_SCHEMAS[service];
    if (!schema) throw new Error(`unknown service "${service}" (known: ${Object.keys(SERVICE_SCHEMAS).join(', ')})`);
    const variable = `${service.toUpperCase()}_DATABASE_URL`;
    const url = process.env[variable];
    if (!url) throw new Error(`${variable} is not set`);
    if (process.env.MYSQL_ADMIN_URL) await provisionServiceDatabase(process.env.MYSQL_ADMIN_URL, url);
    const applied = await runMigrations(url, schema);
    process.stdout.write(`${JSON.stringify({ service, applied })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${(error as Error).message}\n`);
  process.exit(1);
});
