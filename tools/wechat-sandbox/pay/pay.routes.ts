import { KeyObject, createPublicKey } from 'node:crypto';
import { SandboxState } from '../sandbox-state';
import { SandboxRoute } from '../wechat-api';
import { PayNotifier, WECHAT_NOTIFY_RETRY_DELAYS_MS } from './pay-notifier';
import { PayState } from './pay-state';
import { PlatformSigner } from './platform-signer';
import { RefundsHandler } from './refunds.handler';
import { SandboxPayHandler } from './sandbox-pay.handler';
import { TransactionsHandler } from './transactions.handler';

/** The WeChat Pay merchant the sandbox serves, and how it answers. */
export interface WechatPaySandboxOptions {
  mchId: string;
  /** Verifies the merchant's request signatures (PEM, or a KeyObject). */
  merchantPublicKey: string | KeyObject;
  /** When set, requests must carry this `serial_no`. */
  merchantSerialNo?: string;
  /** The merchant's 32-byte APIv3 key, which encrypts notifications. */
  apiV3Key: string;
  /** Signs responses and notifications; a fresh 2048-bit key is generated when absent. */
  platformPrivateKey?: string | KeyObject;
  /** Sent as `Wechatpay-Serial`; WeChat Pay public-key ids look like `PUB_KEY_ID_...`. */
  platformSerialNo?: string;
  /** Waits between notification attempts; WeChat Pay's schedule (15 s ... 6 h) by default. */
  notifyRetryDelaysMs?: readonly number[];
  /** How long one notification attempt may take; 5000 ms by default. */
  notifyTimeoutMs?: number;
}

/**
 * The WeChat Pay v3 routes and the sandbox-only pay controls; `stop()` cancels pending notification retries;
 * `payments` is the merchant's orders, for the APIs that concern paid orders (shipping information).
 */
export function buildPayRoutes(
  appId: string,
  options: WechatPaySandboxOptions,
  state: SandboxState,
  now: () => number,
): { routes: SandboxRoute[]; stop(): void; payments: PayState } {
  if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32) throw new Error('the WeChat Pay APIv3 key must be 32 bytes');
  const { merchantPublicKey } = options;
  const merchant = {
    mchId: options.mchId,
    publicKey: typeof merchantPublicKey === 'string' ? createPublicKey(merchantPublicKey) : merchantPublicKey,
    serialNo: options.merchantSerialNo,
  };
  const signer = new PlatformSigner(options.platformSerialNo ?? 'PUB_KEY_ID_SANDBOX', now, options.platformPrivateKey);
  const pay = new PayState();
  const notifier = new PayNotifier({
    signer,
    apiV3Key: options.apiV3Key,
    stats: state.stats,
    retryDelaysMs: options.notifyRetryDelaysMs ?? WECHAT_NOTIFY_RETRY_DELAYS_MS,
    timeoutMs: options.notifyTimeoutMs ?? 5000,
    now,
  });
  const stop = () => notifier.stop();
  state.stats.listEndpoint('pay_notify');
  state.onReset(() => {
    stop();
    pay.clear();
  });

  const transactions = new TransactionsHandler(appId, merchant, pay, now);
  const refunds = new RefundsHandler(merchant, pay, notifier, now);
  const sandboxPay = new SandboxPayHandler(pay, notifier, signer, now);
  const signed = (method: SandboxRoute['method'], path: string, statsName: string, handle: SandboxRoute['handle']): SandboxRoute => ({
    family: 'pay',
    method,
    path,
    statsName,
    handle,
    finish: (reply) => signer.signReply(reply),
  });
  const routes: SandboxRoute[] = [
    signed('POST', '/v3/pay/transactions/jsapi', 'pay_jsapi', (r) => transactions.jsapi(r)),
    signed('GET', '/v3/pay/transactions/out-trade-no/:outTradeNo', 'pay_query', (r) => transactions.queryByOutTradeNo(r)),
    signed('POST', '/v3/refund/domestic/refunds', 'pay_refund', (r) => refunds.create(r)),
    signed('GET', '/v3/refund/domestic/refunds/:outRefundNo', 'pay_refund_query', (r) => refunds.query(r)),
    { family: 'sandbox', method: 'POST', path: '/sandbox/pay/:prepayId', handle: (r) => sandboxPay.payOrder(r) },
    { family: 'sandbox', method: 'GET', path: '/sandbox/pay/orders/:outTradeNo', handle: (r) => sandboxPay.orderState(r) },
    {
      family: 'sandbox',
      method: 'GET',
      path: '/sandbox/platform-public-key',
      handle: () => sandboxPay.platformPublicKey(),
    },
  ];
  return { routes, stop, payments: pay };
}
