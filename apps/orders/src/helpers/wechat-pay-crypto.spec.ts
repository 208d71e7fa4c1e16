import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectMerchantSignature } from '../../../../tools/wechat-sandbox/pay/merchant-signature';
import { encryptResource } from '../../../../tools/wechat-sandbox/pay/notification-cipher';
import { PlatformSigner } from '../../../../tools/wechat-sandbox/pay/platform-signer';
import { authorizationHeader, decryptResource, requestPaymentParams, verifyWechatpaySignature, WechatpayKeyring } from './wechat-pay-crypto';

const API_V3_KEY = 'sandbox-apiv3-key-0123456789abcd';
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('WeChat Pay v3 signatures and AEAD (checked against the sandbox’s own implementation)', () => {
  it('signs requests the way WeChat Pay (the sandbox) verifies them', () => {
    const body = JSON.stringify({ out_trade_no: 'X1', amount: { total: 100 } });
    const authorization = authorizationHeader(
      { mchId: '1900000001', serialNo: 'ABC123', privateKey: merchant.privateKey },
      'POST',
      '/v3/pay/transactions/jsapi',
      body,
    );
    const request = { method: 'POST', target: '/v3/pay/transactions/jsapi', body, headers: { authorization }, query: new URLSearchParams(), params: {} };
    const identity = { mchId: '1900000001', publicKey: merchant.publicKey, serialNo: 'ABC123' };
    expect(rejectMerchantSignature(request, identity, Date.now())).toBeUndefined();
    expect(rejectMerchantSignature({ ...request, body: `${body} ` }, identity, Date.now())).toMatchObject({ status: 401 });
    expect(authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="[0-9A-F]{32}",signature="[^"]+",timestamp="\d+",serial_no="ABC123"$/,
    );
  });

  it('verifies what the platform key signed, and nothing else', () => {
    const signer = new PlatformSigner('PUB_KEY_ID_TEST', Date.now);
    const body = '{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}';
    const headers = signer.signatureHeaders(body);
    const [timestamp, nonce, signature] = [headers['Wechatpay-Timestamp'], headers['Wechatpay-Nonce'], headers['Wechatpay-Signature']];
    expect(verifyWechatpaySignature(signer.publicKey, timestamp, nonce, body, signature)).toBe(true);
    expect(verifyWechatpaySignature(signer.publicKey, timestamp, nonce, body.replace('EV-1', 'EV-2'), signature)).toBe(false);
    expect(verifyWechatpaySignature(signer.publicKey, String(Number(timestamp) + 1), nonce, body, signature)).toBe(false);
    expect(verifyWechatpaySignature(merchant.publicKey, timestamp, nonce, body, signature)).toBe(false);
    expect(verifyWechatpaySignature(signer.publicKey, timestamp, nonce, body, 'not base64 at all')).toBe(false);
  });

  it('decrypts AEAD_AES_256_GCM resources and refuses tampered ones or the wrong key', () => {
    const plaintext = JSON.stringify({ out_trade_no: 'X1', trade_state: 'SUCCESS', amount: { total: 100 } });
    const resource = encryptResource(API_V3_KEY, 'transaction', plaintext);
    expect(decryptResource(API_V3_KEY, resource)).toBe(plaintext);
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[3] ^= 1;
    expect(() => decryptResource(API_V3_KEY, { ...resource, ciphertext: bytes.toString('base64') })).toThrow();
    expect(() => decryptResource(API_V3_KEY, { ...resource, associated_data: 'refund' })).toThrow();
    expect(() => decryptResource('another-apiv3-key-0123456789abcd', resource)).toThrow();
    expect(() => decryptResource(API_V3_KEY, { ...resource, algorithm: 'AES_128_CBC' })).toThrow();
  });

  it('signs the wx.requestPayment parameters over appId, timeStamp, nonceStr and package', () => {
    const params = requestPaymentParams('wx-app', 'wx2026prepay', merchant.privateKey, 1700000000, 'NONCE');
    expect(params).toMatchObject({ timeStamp: '1700000000', nonceStr: 'NONCE', package: 'prepay_id=wx2026prepay', signType: 'RSA' });
    const message = Buffer.from('wx-app\n1700000000\nNONCE\nprepay_id=wx2026prepay\n');
    expect(verify('sha256', message, merchant.publicKey, Buffer.from(params.paySign, 'base64'))).toBe(true);
  });

  it('chooses the key by serial: the WeChat Pay public key by its id, platform certificates by serial number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxcert-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=Tenpay.com Root CA',
        '-days',
        '2',
      ],
      { stdio: 'ignore' },
    );
    const certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const serial = new X509Certificate(certificatePem).serialNumber;
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const keyring = new WechatpayKeyring({
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      publicKeyId: 'PUB_KEY_ID_1',
      certificatesPem: certificatePem,
    });
    expect(keyring.find('PUB_KEY_ID_1')?.equals(publicKey)).toBe(true);
    expect(keyring.find(serial)?.equals(createPublicKey(certificatePem))).toBe(true);
    expect(keyring.find(serial.toLowerCase())).toBeDefined();
    expect(keyring.find('UNKNOWN')).toBeUndefined();
  });
});
