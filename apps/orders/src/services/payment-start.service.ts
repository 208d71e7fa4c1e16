import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { PayerClient } from '../clients/payer.client';
import { Order } from '../entities/order.entity';
import { OrderRepository } from '../repositories/order.repository';
import { RequestPaymentParamsDto } from '../dtos/request-payment-params.dto';
import { requestPaymentParams } from '../helpers/wechat-pay-crypto';
import { WechatPayClient, WechatPayRefusal } from '../clients/wechat-pay.client';
import { PaymentReconciliationService } from './payment-reconciliation.service';

/** A prepay_id is valid for 2 hours; one older than this is asked for again. */
const PREPAY_REUSE_MS = 110 * 60 * 1000;
/** An order this close to its expiry is not offered for payment any more. */
const PAY_CUTOFF_MS = 2000;

/** Starts WeChat Pay payments of orders: the JSAPI prepay, and the signed parameters for wx.requestPayment. */
@Injectable()
export class PaymentStartService {
  private readonly logger = new Logger(PaymentStartService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly wechat: WechatPayClient,
    private readonly payer: PayerClient,
    private readonly reconciliation: PaymentReconciliationService,
  ) {}

  /** Opens the WeChat Pay order (once; the prepay_id is reused) and signs the parameters for wx.requestPayment. */
  async prepare(userId: string, orderId: string): Promise<RequestPaymentParamsDto> {
    const settings = this.wechat.require();
    const found = await this.orders.findPlaced(orderId);
    if (!found || found.order.userId !== userId) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const { order, items } = found;
    if (order.status !== 'pending_payment') throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${order.status} cannot be paid`);
    if (order.expiresAt.getTime() - Date.now() < PAY_CUTOFF_MS) throw new AppError('ORDER_STATE_CONFLICT', 'This order has expired');

    let prepayId = order.prepayId && order.prepayAt && Date.now() - order.prepayAt.getTime() < PREPAY_REUSE_MS ? order.prepayId : null;
    if (!prepayId) {
      const openid = await this.payer.openidOf(userId);
      const description = items.length === 1 ? items[0].productTitle : `${items[0].productTitle} 等${items.length}件商品`;
      try {
        prepayId = await this.wechat.prepay({
          orderNo: order.orderNo,
          description: description.slice(0, 40),
          totalFen: order.totalFen,
          expiresAt: order.expiresAt,
          openid,
        });
      } catch (error) {
        throw await this.prepayRefused(order, error);
      }
      await this.orders.setPrepay(order.id, prepayId);
    }
    return requestPaymentParams(settings.appId, prepayId, settings.merchant.privateKey);
  }

  private async prepayRefused(order: Order, error: unknown): Promise<unknown> {
    if (!(error instanceof WechatPayRefusal)) return error;
    if (error.code === 'ORDERPAID') {
      await this.reconciliation.reconcile({ ...order, prepayId: order.prepayId ?? 'known-paid' }).catch(() => undefined);
      return new AppError('ORDER_STATE_CONFLICT', 'This order is already paid');
    }
    this.logger.error({ msg: 'WeChat Pay refused a prepay', orderId: order.id, code: error.code, error: error.message });
    return new AppError('PAYMENT_UNAVAILABLE', 'The payment could not be started, try again later');
  }
}
