import { createCipheriv } from 'node:crypto';
import { randomAlphanumeric } from './pay-ids';

/** The `resource` of a WeChat Pay notification. */
export interface EncryptedResource {
  original_type: string;
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/**
 * Encrypts a notification's resource as WeChat Pay does: AES-256-GCM with the merchant's 32-byte
 * APIv3 key, a 12-character nonce, `associated_data` = the resource type, and the 16-byte auth tag
 * appended to the ciphertext before base64.
 */
export function encryptResource(apiV3Key: string, originalType: string, plaintext: string): EncryptedResource {
  const nonce = randomAlphanumeric(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(originalType, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    associated_data: originalType,
    nonce,
  };
}
