import type { ApiClient } from './client';
import type { Order, PaymentParams } from './contract';
import { ApiError, isApiError } from './errors';
import { delay } from './transport';
import type { WxFailure, WxSubscribeChoice } from './wx';

/** Options of `requestPayment`. */
export interface PaymentOptions {
  /** Key of the pay request (default: a new one per call). */
  idempotencyKey?: string;
  /** How long to wait for the server to learn of the payment from WeChat Pay (ms); default 5000, 0 not to wait. */
  confirmTimeoutMs?: number;
}

/** What `requestPayment` resolves with once the user has paid in WeChat. */
export interface PaymentResult {
  /** The order as the server sees it after payment. */
  order: Order;
  /** True when the server already shows it `paid`; false when WeChat Pay's notification had not arrived in `confirmTimeoutMs` (look again later). */
  confirmed: boolean;
}

/** What `requestSubscribeMessage` resolves with. */
export interface SubscribeResult {
  /** The user's choice per template id, as `wx.requestSubscribeMessage` answered. */
  results: Record<string, WxSubscribeChoice>;
  /** True when the server recorded the acceptances; false when it has no such route yet (404 ROUTE_NOT_FOUND), nothing was chosen, or reporting failed. */
  reported: boolean;
  /** Why reporting failed (absent when the route does not exist yet or there was nothing to report). */
  reportError?: ApiError;
}

const CHOICES = new Set<string>(['accept', 'reject', 'ban', 'filter']);

/** POST /api/orders/:id/pay, `wx.requestPayment` with its parameters, then the order once the server shows it paid. */
export async function requestPayment(client: ApiClient, orderId: string, options: PaymentOptions = {}): Promise<PaymentResult> {
  const path = `/api/orders/${encodeURIComponent(orderId)}`;
  const params = await client.call<PaymentParams>(`${path}/pay`, { method: 'POST', idempotencyKey: options.idempotencyKey ?? client.newIdempotencyKey() });
  await new Promise<void>((resolve, reject) => {
    client.wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      success: () => resolve(),
      fail: (failure: WxFailure) => {
        const cancelled = /cancel/i.test(failure.errMsg);
        reject(
          new ApiError({
            statusCode: 0,
            code: cancelled ? 'PAYMENT_CANCELLED' : 'PAYMENT_FAILED',
            message: cancelled ? 'The user closed the payment' : 'wx.requestPayment failed',
            requestId: '',
            errMsg: failure.errMsg,
          }),
        );
      },
    });
  });
  const deadline = Date.now() + (options.confirmTimeoutMs ?? 5000);
  for (;;) {
    const order = await client.call<Order>(path);
    if (order.status !== 'pending_payment') return { order, confirmed: order.status === 'paid' };
    if (Date.now() >= deadline) return { order, confirmed: false };
    await delay(400);
  }
}

/** `wx.requestSubscribeMessage`, then POST /api/auth/subscriptions with the accepted and rejected templates. */
export async function requestSubscribeMessage(client: ApiClient, templateIds: string[]): Promise<SubscribeResult> {
  const answer = await new Promise<Record<string, string>>((resolve, reject) => {
    client.wx.requestSubscribeMessage({
      tmplIds: templateIds,
      success: resolve,
      fail: (failure: WxFailure) =>
        reject(new ApiError({ statusCode: 0, code: 'SUBSCRIBE_FAILED', message: 'wx.requestSubscribeMessage failed', requestId: '', errMsg: failure.errMsg })),
    });
  });
  const results: Record<string, WxSubscribeChoice> = {};
  const report: Record<string, 'accept' | 'reject'> = {};
  for (const id of templateIds) {
    const choice = answer[id];
    if (!CHOICES.has(choice)) continue;
    results[id] = choice as WxSubscribeChoice;
    if (choice === 'accept' || choice === 'reject') report[id] = choice;
  }
  if (Object.keys(report).length === 0) return { results, reported: false };
  try {
    await client.call('/api/auth/subscriptions', { method: 'POST', body: { results: report } });
    return { results, reported: true };
  } catch (error) {
    if (isApiError(error) && error.statusCode === 404 && error.code === 'ROUTE_NOT_FOUND') return { results, reported: false };
    if (isApiError(error)) return { results, reported: false, reportError: error };
    throw error;
  }
}
