import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { newId } from '#libs/database';
import { WechatApiError, WechatServerApi } from '#libs/wechat';
import { PayerClient } from '../clients/payer.client';
import { WechatPayClient } from '../clients/wechat-pay.client';
import { OrdersEnv } from '../config/orders-env';
import { ShippingUploadMetrics, ShippingUploadResult } from '../metrics/shipping-upload.metrics';
import { OrderRepository } from '../repositories/order.repository';
import { ShippingUploadRepository } from '../repositories/shipping-upload.repository';
import { orderKeyOf, ShippingInfoBody, shippingInfoBody } from './shipping-info';

/** WeChat already holds shipping information for the payment (shipped, and maybe shipped again, before). */
const ALREADY_SHIPPED_ERRCODES = new Set([10060002, 10060003]);
/** Refusals that no retry changes (api_uploadshippinginfo's error table): the upload is given up and shown failed. */
const PERMANENT_ERRCODES = new Set([
  47001, 48001, 10060004, 10060005, 10060006, 10060007, 10060008, 10060009, 10060014, 10060020, 10060024, 10060025, 10060026, 10060031, 268485194, 268485195,
  268485196, 268485197, 268485216, 268485224, 268485226, 268485227, 268485228,
]);
/** get_order's order_state values that mean WeChat has the shipping information: shipped, receipt confirmed, settled. */
const SHIPPED_STATES = new Set([2, 3, 4]);
/** Attempts before a transiently failing upload is given up (about two hours with the backoff below). */
export const MAX_UPLOAD_ATTEMPTS = 20;
const MAX_BACKOFF_SECONDS = 600;

interface GetOrderAnswer {
  order?: { order_state?: number };
}

/**
 * Sends one shipment's shipping information to WeChat from the outbox, once. The row is claimed under a lease longer
 * than the longest the attempt can take (its calls are bounded by timeouts), so no two replicas upload at once. The
 * answer errcode 0 and the row's `synced` are written in the same step; if the replica dies between the two, the next
 * attempt (any attempt after the first) asks WeChat first (get_order) and records what WeChat already holds instead of
 * uploading again, which WeChat would count as the payment's one re-shipment.
 */
@Injectable()
export class ShippingUploadService {
  private readonly logger = new Logger(ShippingUploadService.name);
  /** Seconds a claim lasts: four WeChat calls (a token replaced once, get_order, the upload) and two bus requests, with margin. */
  readonly leaseSeconds: number;

  constructor(
    @Inject(APP_CONFIG) config: OrdersEnv,
    private readonly uploads: ShippingUploadRepository,
    private readonly orders: OrderRepository,
    private readonly payer: PayerClient,
    private readonly wechatPay: WechatPayClient,
    private readonly wechat: WechatServerApi,
    private readonly metrics: ShippingUploadMetrics,
  ) {
    this.leaseSeconds = Math.ceil((4 * config.WECHAT_TIMEOUT_MS + 2 * config.MESSAGE_TIMEOUT_MS) / 1000) + 5;
  }

  /** Works on one due upload if this replica can claim it; what became of it, or null when it was not claimed. */
  async uploadOne(orderId: string): Promise<ShippingUploadResult | null> {
    const leaseToken = newId();
    const attempt = await this.uploads.claim(orderId, leaseToken, this.leaseSeconds);
    if (attempt === null) return null;
    const result = await this.attempt(orderId, leaseToken, attempt);
    this.metrics.attempted(result);
    return result;
  }

  private async attempt(orderId: string, leaseToken: string, attempt: number): Promise<ShippingUploadResult> {
    try {
      const found = await this.orders.findPlaced(orderId);
      const orderKey = found && orderKeyOf(found.order, this.wechatPay.settings?.merchant.mchId);
      if (!found || !orderKey) return await this.fail(orderId, leaseToken, 'the order has no transaction_id and WeChat Pay has no merchant id');
      if (attempt > 1 && (await this.wechatHolds(orderKey))) return await this.synced(orderId, leaseToken, 'already_uploaded');
      const openid = await this.payer.openidOf(found.order.userId);
      await this.wechat.post('upload_shipping_info', '/wxa/sec/order/upload_shipping_info', shippingInfoBody(found.order, found.items, orderKey, openid));
      return await this.synced(orderId, leaseToken, 'accepted');
    } catch (error) {
      if (error instanceof WechatApiError && ALREADY_SHIPPED_ERRCODES.has(error.errcode)) return this.synced(orderId, leaseToken, 'already_uploaded');
      const reason = error instanceof WechatApiError ? `errcode ${error.errcode}: ${error.errmsg}` : (error as Error).message;
      if ((error instanceof WechatApiError && PERMANENT_ERRCODES.has(error.errcode)) || attempt >= MAX_UPLOAD_ATTEMPTS) {
        return this.fail(orderId, leaseToken, reason);
      }
      const delaySeconds = Math.min(2 ** (attempt - 1), MAX_BACKOFF_SECONDS);
      this.logger.warn({ msg: 'shipping information not uploaded; retried later', orderId, attempt, delaySeconds, error: reason });
      await this.uploads.retryLater(orderId, leaseToken, delaySeconds, reason);
      return 'retry';
    }
  }

  /** Whether WeChat already has this payment's shipping information (a previous attempt may have been accepted unheard). */
  private async wechatHolds(orderKey: ShippingInfoBody['order_key']): Promise<boolean> {
    const query =
      orderKey.order_number_type === 2
        ? { transaction_id: orderKey.transaction_id }
        : { merchant_id: orderKey.mchid, merchant_trade_no: orderKey.out_trade_no };
    try {
      const answer = await this.wechat.post<GetOrderAnswer>('get_order', '/wxa/sec/order/get_order', query);
      return SHIPPED_STATES.has(answer.order?.order_state ?? 0);
    } catch (error) {
      // 10060001: WeChat has no such payment yet (it indexes payments a moment after they are made), so nothing was shipped.
      if (error instanceof WechatApiError && error.errcode === 10060001) return false;
      throw error;
    }
  }

  private async synced(orderId: string, leaseToken: string, result: 'accepted' | 'already_uploaded'): Promise<ShippingUploadResult> {
    if (!(await this.uploads.markSynced(orderId, leaseToken))) {
      this.logger.warn({ msg: 'shipping information uploaded after this replica lost its lease; the next attempt finds it in WeChat', orderId });
    }
    return result;
  }

  private async fail(orderId: string, leaseToken: string, reason: string): Promise<ShippingUploadResult> {
    this.logger.error({ msg: 'shipping information upload given up (wechatSync failed)', orderId, error: reason });
    await this.uploads.markFailed(orderId, leaseToken, reason);
    return 'failed';
  }
}
