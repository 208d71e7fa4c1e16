import { generateSigningKey, SigningKey } from '#libs/keys';

/** A signing key and the env variables that hand it to services. */
export interface TestSigningKeys {
  key: SigningKey;
  /** For every service: the public key set. */
  publicEnv: Record<string, string>;
  /** For auth: the private key and its id as well. */
  authEnv: Record<string, string>;
}

/** A fresh Ed25519 key for one test run. */
export async function createTestSigningKeys(): Promise<TestSigningKeys> {
  const key = await generateSigningKey();
  const publicEnv = { JWT_PUBLIC_KEYS: JSON.stringify({ keys: [key.publicJwk] }) };
  return { key, publicEnv, authEnv: { ...publicEnv, JWT_PRIVATE_KEY: key.privateKeyPem, JWT_KEY_ID: key.keyId } };
}
