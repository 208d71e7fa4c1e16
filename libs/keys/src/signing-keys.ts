import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, JWK } from 'jose';

/** A fresh Ed25519 signing key: the private half for auth, the public JWK for everyone else. */
export interface SigningKey {
  keyId: string;
  privateKeyPem: string;
  publicJwk: JWK;
}

/** Generates an Ed25519 key pair whose `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(publicKey);
  const keyId = await calculateJwkThumbprint(jwk);
  return { keyId, privateKeyPem: await exportPKCS8(privateKey), publicJwk: { ...jwk, kid: keyId, alg: 'EdDSA', use: 'sig' } };
}

/** The JWKS after a rotation: the new key first, then up to `keep` previous keys so tokens they signed still verify. */
export function rotateKeySet(previous: JWK[], added: JWK, keep = 2): { keys: JWK[] } {
  return { keys: [added, ...previous.filter((key) => key.kid !== added.kid).slice(0, keep)] };
}
