import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 2026-01-01: seeded rows sort before anything staff create afterwards.
const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** The same ULID-shaped id for the same (kind, n) on every run, so seeding twice changes nothing. */
export function seedId(kind: string, n: number): string {
  let time = '';
  for (let i = 0, t = SEED_EPOCH_MS + n; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const digest = createHash('sha256').update(`${kind}:${n}`).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[digest[i] % 32];
  return time + tail;
}
