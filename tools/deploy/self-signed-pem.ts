import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes to `pemPath` a throwaway self-signed P-256 certificate for `commonName` followed by its key: the combined
 * PEM that HAProxy's `crt` loads, so `haproxy -c` can check a TLS listener.
 */
export function writeSelfSignedPem(pemPath: string, commonName: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${commonName}`];
    const made = spawnSync('openssl', [...args, '-keyout', key, '-out', cert], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
    writeFileSync(pemPath, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
