import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JWK } from 'jose';
import { generateSigningKey, rotateKeySet } from '#libs/keys';

// Usage: node dist/tools/keys/main.js [--dir .secrets] [--rotate]
// Writes jwt-private.pem and jwt-key-id (for auth only) and jwt-public-keys.json (for every service).
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = resolve(args.includes('--dir') ? args[args.indexOf('--dir') + 1] : '.secrets');
  const rotate = args.includes('--rotate');
  const publicFile = join(dir, 'jwt-public-keys.json');
  if (existsSync(publicFile) && !rotate) {
    process.stdout.write(`keys already in ${dir} (use --rotate for a new one)\n`);
    return;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const previous: JWK[] = existsSync(publicFile) ? (JSON.parse(readFileSync(publicFile, 'utf8')) as { keys: JWK[] }).keys : [];
  const key = await generateSigningKey();
  writeFileSync(join(dir, 'jwt-private.pem'), key.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'jwt-key-id'), key.keyId, { mode: 0o600 });
  writeFileSync(publicFile, JSON.stringify(rotateKeySet(previous, key.publicJwk), null, 2));
  process.stdout.write(`signing key ${key.keyId} written to ${dir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
