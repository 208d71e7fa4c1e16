import { createStaffAccount, parseCreateStaffArguments } from './create-staff-account';

// DATABASE_URL=mysql://auth:...@host/auth ADMIN_PASSWORD=... npm run admin:create -- --username admin [--role staff]
async function main(): Promise<void> {
  const request = parseCreateStaffArguments(process.argv.slice(2), process.env);
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL (the auth database) must be set');
  const id = await createStaffAccount(process.env.DATABASE_URL, request);
  process.stdout.write(`${request.role} account "${request.username}" created (${id})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`admin:create failed: ${(error as Error).message}\n`);
  process.exit(1);
});
