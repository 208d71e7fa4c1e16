import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SEC_CHECK_WORDS } from './msg-sec-check.handler';
import { SANDBOX_API_V3_KEY } from './pay/pay-config';
import { SANDBOX_PUSH_ENCODING_AES_KEY, SANDBOX_PUSH_TOKEN } from './push/push-config';
import { readSandboxConfig } from './sandbox-config';
import { DEFAULT_PUBLISHED_PAGES } from './wxacode.handler';

describe('readSandboxConfig', () => {
  it('has a default for everything', () => {
    expect(readSandboxConfig({})).toEqual({
      host: '127.0.0.1',
      port: 3900,
      appId: 'wx-sandbox-app',
      appSecret: 'sandbox-secret',
      tokenTtlSeconds: 7200,
      secCheckWords: DEFAULT_SEC_CHECK_WORDS,
      publishedPages: DEFAULT_PUBLISHED_PAGES,
      pay: undefined,
      push: {
        url: undefined,
        token: SANDBOX_PUSH_TOKEN,
        encodingAesKey: SANDBOX_PUSH_ENCODING_AES_KEY,
        mode: 'safe',
        originalId: undefined,
        retryDelayMs: undefined,
      },
    });
  });

  it('reads every variable', () => {
    const config = readSandboxConfig({
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_PORT: '0',
      WECHAT_APP_ID: 'wx1',
      WECHAT_APP_SECRET: 's1',
      SANDBOX_TOKEN_TTL_SECONDS: '1',
      SANDBOX_SEC_CHECK_WORDS: ' spam, ,scam ',
      SANDBOX_PUSH_URL: 'http://127.0.0.1:8080/api/auth/wechat/push',
      SANDBOX_PUSH_TOKEN: 't1',
      SANDBOX_PUSH_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      SANDBOX_PUSH_MODE: 'plain',
      SANDBOX_PUSH_ORIGINAL_ID: 'gh_0123456789ab',
      SANDBOX_PUSH_RETRY_SECONDS: '1',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      appId: 'wx1',
      appSecret: 's1',
      tokenTtlSeconds: 1,
      secCheckWords: ['spam', 'scam'],
      publishedPages: DEFAULT_PUBLISHED_PAGES,
      pay: undefined,
      push: {
        url: 'http://127.0.0.1:8080/api/auth/wechat/push',
        token: 't1',
        encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        mode: 'plain',
        originalId: 'gh_0123456789ab',
        retryDelayMs: 1000,
      },
    });
  });

  it('turns WeChat Pay on when a merchant public key file is given', () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'wechat-sandbox-')), 'merchant.pem');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const config = readSandboxConfig({
      WECHATPAY_MERCHANT_PUBLIC_KEY_FILE: keyFile,
      SANDBOX_PAY_NOTIFY_RETRY_SECONDS: '1, 2.5',
    });
    expect(config.pay).toEqual({
      mchId: '1900000001',
      merchantPublicKey: expect.stringContaining('BEGIN PUBLIC KEY'),
      apiV3Key: SANDBOX_API_V3_KEY,
      notifyRetryDelaysMs: [1000, 2500],
    });
    expect(() => readSandboxConfig({ WECHATPAY_MERCHANT_PUBLIC_KEY_FILE: '/no/such.pem' })).toThrow('WECHATPAY_MERCHANT_PUBLIC_KEY_FILE');
    expect(() => readSandboxConfig({ WECHATPAY_MERCHANT_PUBLIC_KEY_FILE: keyFile, WECHATPAY_API_V3_KEY: 'short' })).toThrow('WECHATPAY_API_V3_KEY');
  });

  it.each([
    ['SANDBOX_PORT', 'abc'],
    ['SANDBOX_PORT', '70000'],
    ['SANDBOX_TOKEN_TTL_SECONDS', '0'],
    ['SANDBOX_TOKEN_TTL_SECONDS', '1.5'],
    ['SANDBOX_PUSH_MODE', 'xml'],
    ['SANDBOX_PUSH_ENCODING_AES_KEY', 'too-short'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readSandboxConfig({ [name]: value })).toThrow(name);
  });
});
