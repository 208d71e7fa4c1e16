import { execFileSync } from 'node:child_process';
import { PushCryptoError, PushMessageCipher } from './push-message-cipher';
import { pushSignature, pushSignatureMatches } from './push-signature';

// WeChat's official WXBizMsgCrypt samples (the C#, PHP, Java and Python downloads carry the same values).
const OFFICIAL = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appId: 'wx5823bf96d3bd56c7',
  message: {
    timestamp: '1409659813',
    nonce: '1372623149',
    msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  },
  urlCheck: {
    timestamp: '1409659589',
    nonce: '263014780',
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  },
};

// The local stack's push settings (wechat-sandbox.md).
const SANDBOX_KEY = 'sandboxEncodingAesKey0123456789abcdefghijkl';
const SANDBOX_APP = 'wx-sandbox-app';

describe('push signature', () => {
  it("signs WeChat's sample message as the sample says", () => {
    const { token, message } = OFFICIAL;
    expect(pushSignature(token, message.timestamp, message.nonce, message.encrypt)).toBe(message.msgSignature);
  });

  it("signs WeChat's sample URL check as the sample says", () => {
    const { token, urlCheck } = OFFICIAL;
    expect(pushSignature(token, urlCheck.timestamp, urlCheck.nonce, urlCheck.echostr)).toBe(urlCheck.msgSignature);
  });

  it('sorts its parts, so their order does not matter', () => {
    expect(pushSignature('b', 'a', 'c')).toBe(pushSignature('c', 'b', 'a'));
    expect(pushSignature('tok', '1700000000', '42')).not.toBe(pushSignature('tok', '1700000001', '42'));
  });

  it('matches only the same 40 hex digits, in either case', () => {
    const signature = pushSignature('tok', '1700000000', '42');
    expect(pushSignatureMatches(signature, signature)).toBe(true);
    expect(pushSignatureMatches(signature, signature.toUpperCase())).toBe(true);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    expect(pushSignatureMatches(signature, flipped)).toBe(false);
    expect(pushSignatureMatches(signature, signature.slice(0, 39))).toBe(false);
    expect(pushSignatureMatches(signature, `${signature}00`)).toBe(false);
    expect(pushSignatureMatches(signature, 'z'.repeat(40))).toBe(false);
    expect(pushSignatureMatches(signature, undefined)).toBe(false);
  });
});

describe('PushMessageCipher', () => {
  const official = new PushMessageCipher(OFFICIAL.encodingAesKey, OFFICIAL.appId);

  it("decrypts WeChat's sample message to its XML, addressed to the sample's appid", () => {
    const message = official.decrypt(OFFICIAL.message.encrypt);
    expect(message.startsWith('<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>')).toBe(true);
    expect(message).toContain('<Content><![CDATA[hello]]></Content>');
    expect(message).toContain('<MsgId>4561255354251345929</MsgId>');
  });

  it("decrypts WeChat's sample URL check echostr", () => {
    expect(official.decrypt(OFFICIAL.urlCheck.echostr)).toBe('1616140317555161061');
  });

  it("refuses WeChat's sample message for another appid", () => {
    const other = new PushMessageCipher(OFFICIAL.encodingAesKey, 'wx0000000000000000');
    expect(() => other.decrypt(OFFICIAL.message.encrypt)).toThrow(PushCryptoError);
  });

  it('round-trips JSON pushes of any length, with Chinese text', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    for (const length of [0, 1, 11, 12, 31, 32, 33, 100, 5000]) {
      const message = JSON.stringify({ Event: 'trade_manage_order_settlement', note: '确认收货'.repeat(length) });
      expect(cipher.decrypt(cipher.encrypt(message))).toBe(message);
    }
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
  });

  it('pads to a multiple of 32 bytes, and uses a fresh random prefix each time', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    for (const length of [0, 1, 12, 13, 44]) {
      expect(Buffer.from(cipher.encrypt('x'.repeat(length)), 'base64').length % 32).toBe(0);
    }
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('writes what openssl reads as 16 random bytes, a big-endian length, the message and the appid', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    const random = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const message = '{"Event":"wxa_media_check","trace_id":"t1"}';
    const key = Buffer.from(`${SANDBOX_KEY}=`, 'base64');
    const plain = execFileSync('openssl', ['enc', '-d', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', key.subarray(0, 16).toString('hex')], {
      input: Buffer.from(cipher.encrypt(message, random), 'base64'),
    });
    const expected = Buffer.concat([random, Buffer.from([0, 0, 0, message.length]), Buffer.from(message), Buffer.from(SANDBOX_APP)]);
    const padLength = 32 - (expected.length % 32);
    expect(plain.toString('hex')).toBe(Buffer.concat([expected, Buffer.alloc(padLength, padLength)]).toString('hex'));
  });

  it('reads what openssl writes with the same layout', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    const message = '{"Event":"subscribe_msg_popup_event"}';
    const key = Buffer.from(`${SANDBOX_KEY}=`, 'base64');
    const plain = Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 0, 0, message.length]), Buffer.from(message), Buffer.from(SANDBOX_APP)]);
    const padLength = 32 - (plain.length % 32);
    const encrypted = execFileSync('openssl', ['enc', '-e', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', key.subarray(0, 16).toString('hex')], {
      input: Buffer.concat([plain, Buffer.alloc(padLength, padLength)]),
    });
    expect(cipher.decrypt(encrypted.toString('base64'))).toBe(message);
  });

  it('refuses a message encrypted for another appid', () => {
    const theirs = new PushMessageCipher(SANDBOX_KEY, 'wx-other-app');
    const ours = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    expect(() => ours.decrypt(theirs.encrypt('{}'))).toThrow('another appid');
    const longerName = new PushMessageCipher(SANDBOX_KEY, `${SANDBOX_APP}x`);
    expect(() => ours.decrypt(longerName.encrypt('{}'))).toThrow('another appid');
  });

  it('refuses tampered ciphertext', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    const data = Buffer.from(cipher.encrypt(JSON.stringify({ Event: 'x', FromUserName: 'oalice' })), 'base64');
    for (const at of [0, 20, data.length - 17, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at] ^= 0x01;
      expect(() => cipher.decrypt(tampered.toString('base64'))).toThrow(PushCryptoError);
    }
  });

  it('refuses a wrong key', () => {
    const other = new PushMessageCipher('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', SANDBOX_APP);
    const ours = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    expect(() => ours.decrypt(other.encrypt('{"Event":"x"}'))).toThrow(PushCryptoError);
  });

  it('refuses bad padding: zero, over 32, or bytes that disagree', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    const key = Buffer.from(`${SANDBOX_KEY}=`, 'base64');
    const encryptRaw = (plain: Buffer) => {
      const aes = execFileSync('openssl', ['enc', '-e', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', key.subarray(0, 16).toString('hex')], {
        input: plain,
      });
      return aes.toString('base64');
    };
    const body = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 0, 2]), Buffer.from('{}'), Buffer.from(SANDBOX_APP)]);
    const fill = 64 - body.length;
    expect(() => cipher.decrypt(encryptRaw(Buffer.concat([body, Buffer.alloc(fill - 1, 0), Buffer.from([0])])))).toThrow('bad padding');
    expect(() => cipher.decrypt(encryptRaw(Buffer.concat([body, Buffer.alloc(fill - 1, 33), Buffer.from([33])])))).toThrow('bad padding');
    const disagreeing = Buffer.concat([body, Buffer.alloc(fill, fill)]);
    disagreeing[disagreeing.length - 2] = fill - 1;
    expect(() => cipher.decrypt(encryptRaw(disagreeing))).toThrow('bad padding');
    expect(cipher.decrypt(encryptRaw(Buffer.concat([body, Buffer.alloc(fill, fill)])))).toBe('{}');
  });

  it('refuses a length past the plaintext', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    const key = Buffer.from(`${SANDBOX_KEY}=`, 'base64');
    const body = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.from('{}'), Buffer.from(SANDBOX_APP)]);
    const fill = 64 - body.length;
    const aes = execFileSync('openssl', ['enc', '-e', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', key.subarray(0, 16).toString('hex')], {
      input: Buffer.concat([body, Buffer.alloc(fill, fill)]),
    });
    expect(() => cipher.decrypt(aes.toString('base64'))).toThrow('length');
  });

  it('refuses what is not base64 of whole AES blocks', () => {
    const cipher = new PushMessageCipher(SANDBOX_KEY, SANDBOX_APP);
    for (const encrypted of ['', 'not base64!', 'AAAA', Buffer.alloc(17).toString('base64'), 'A'.repeat(43)]) {
      expect(() => cipher.decrypt(encrypted)).toThrow(PushCryptoError);
    }
  });

  it('takes only an EncodingAESKey of 43 base64 characters', () => {
    expect(() => new PushMessageCipher('short', SANDBOX_APP)).toThrow('43 characters');
    expect(() => new PushMessageCipher(`${SANDBOX_KEY}=`, SANDBOX_APP)).toThrow('43 characters');
    expect(() => new PushMessageCipher(`${SANDBOX_KEY.slice(1)}!`, SANDBOX_APP)).toThrow('43 characters');
  });
});
