import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's push signature: the hex SHA-1 of its parts sorted and joined. Plain mode signs
 * `[token, timestamp, nonce]` (`signature`), safe mode `[token, timestamp, nonce, Encrypt]` (`msg_signature`).
 */
export function pushSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Whether `given` is the signature `expected`, compared in constant time; anything but 40 hex digits is no match. */
export function pushSignatureMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined || !/^[0-9a-fA-F]{40}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}
