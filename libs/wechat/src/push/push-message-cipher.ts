import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A push whose ciphertext cannot be opened: bad base64, bad padding, bad length, or another app's. */
export class PushCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushCryptoError';
  }
}

/** The 43 characters WeChat's console generates for an EncodingAESKey (base64 of 32 bytes, `=` left off). */
export const ENCODING_AES_KEY_PATTERN = /^[A-Za-z0-9+/]{43}$/;

/** WeChat pads to a multiple of 32 bytes (PKCS#7 with a 32-byte block), not AES's 16. */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * WeChat's published message crypto (WXBizMsgCrypt): AES-256-CBC with the key decoded from the EncodingAESKey and
 * its first 16 bytes as IV, over `16 random bytes | 4-byte big-endian length | message | appid`.
 */
export class PushMessageCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly appId: Buffer;

  constructor(encodingAesKey: string, appId: string) {
    if (!ENCODING_AES_KEY_PATTERN.test(encodingAesKey)) throw new Error('an EncodingAESKey is 43 characters of [A-Za-z0-9+/]');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
    this.appId = Buffer.from(appId, 'utf8');
  }

  /** The base64 `Encrypt` of `message`; `random` (16 bytes) is fresh unless given, for reproducible tests. */
  encrypt(message: string, random: Buffer = randomBytes(RANDOM_BYTES)): string {
    if (random.length !== RANDOM_BYTES) throw new Error(`the random prefix is ${RANDOM_BYTES} bytes`);
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, this.appId]);
    const padLength = PAD_BLOCK - (plain.length % PAD_BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength)])), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; throws PushCryptoError unless it is well formed and addressed to our appid. */
  decrypt(encrypted: string): string {
    if (!BASE64.test(encrypted)) throw new PushCryptoError('Encrypt is not base64');
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new PushCryptoError('Encrypt is not whole AES blocks');
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(data), decipher.final()]);
    const plain = unpad(padded);
    if (plain.length < RANDOM_BYTES + LENGTH_BYTES) throw new PushCryptoError('the plaintext is too short');
    const length = plain.readUInt32BE(RANDOM_BYTES);
    const start = RANDOM_BYTES + LENGTH_BYTES;
    if (length > plain.length - start) throw new PushCryptoError('the message length is past the plaintext');
    const appId = plain.subarray(start + length);
    if (!appId.equals(this.appId)) throw new PushCryptoError('the message is for another appid');
    return plain.subarray(start, start + length).toString('utf8');
  }
}

function unpad(padded: Buffer): Buffer {
  const padLength = padded[padded.length - 1];
  if (padLength < 1 || padLength > PAD_BLOCK || padLength > padded.length) throw new PushCryptoError('bad padding');
  for (let i = padded.length - padLength; i < padded.length; i += 1) {
    if (padded[i] !== padLength) throw new PushCryptoError('bad padding');
  }
  return padded.subarray(0, padded.length - padLength);
}
