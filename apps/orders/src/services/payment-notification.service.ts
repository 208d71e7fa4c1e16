import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { PaymentNotificationRepository } from '../repositories/payment-notification.repository';
import { WechatTransaction } from '../clients/wechat-pay.client';
import { VerifiedNotification, WechatPayNotifications } from '../clients/wechat-pay-notifications';
import { OrdersMetrics } from './orders-metrics';
import { PaymentReconciliationService } from './payment-reconciliation.service';
import { AfterSaleRefundService } from './after-sale-refund.service';
import { RefundService } from './refund.service';

/** Takes in WeChat Pay's notifications: payments go to reconciliation, refunds to the refund or after-sale refund service; each is logged. */
@Injectable()
export class PaymentNotificationService {
  private readonly logger = new Logger(PaymentNotificationService.name);

  constructor(
    private readonly notifications: WechatPayNotifications,
    private readonly notificationLog: PaymentNotificationRepository,
    private readonly reconciliation: PaymentReconciliationService,
    private readonly refunds: RefundService,
    private readonly afterSaleRefunds: AfterSaleRefundService,
    private readonly metrics: OrdersMetrics,
  ) {}

  /**
   * A notification from WeChat Pay: verified (signature, timestamp, decryption) before anything is believed, then
   * applied idempotently; duplicates are normal and answered like the first. Refusals are logged and change nothing.
   */
  async handleNotification(headers: Record<string, string | string[] | undefined>, rawBody: string | undefined, requestId: string): Promise<void> {
    let notification: VerifiedNotification;
    try {
      notification = this.notifications.verify(headers, rawBody);
    } catch (error) {
      if (error instanceof AppError) {
        this.metrics.notification(error.code === 'PAYMENT_SIGNATURE_INVALID' ? 'refused_signature' : 'refused_invalid');
        this.logger.warn({
          msg: 'payment notification refused',
          requestId,
          code: error.code,
          reason: error.details?.[0]?.message,
          serial: headers['wechatpay-serial'],
        });
        throw new AppError(error.code, error.message);
      }
      throw error;
    }
    try {
      const { orderId, outcome } = await this.dispatch(notification);
      await this.recordNotification(notification, orderId, outcome);
      this.metrics.notification(outcome);
    } catch (error) {
      if (error instanceof AppError && error.code === 'PAYMENT_NOTIFICATION_INVALID') {
        this.metrics.notification('refused_mismatch');
        this.logger.error({
          msg: 'verified payment notification does not match our records; refused',
          requestId,
          notificationId: notification.id,
          eventType: notification.eventType,
          reason: error.details?.[0]?.message,
        });
        throw new AppError(error.code, error.message);
      }
      throw error;
    }
  }

  private async dispatch(notification: VerifiedNotification): Promise<{ orderId: string | null; outcome: string }> {
    if (notification.eventType === 'TRANSACTION.SUCCESS' && notification.resourceType === 'transaction') {
      return this.reconciliation.applyTransaction(notification.resource as unknown as WechatTransaction, 'notification');
    }
    if (notification.eventType.startsWith('REFUND.') && notification.resourceType === 'refund') {
      const refunds = this.afterSaleRefunds.handles(notification.resource) ? this.afterSaleRefunds : this.refunds;
      const { orderId, applied } = await refunds.applyNotification(notification.resource);
      return { orderId, outcome: applied ? 'refund_updated' : 'duplicate' };
    }
    this.logger.warn({ msg: 'payment notification of an unhandled type acknowledged', eventType: notification.eventType, notificationId: notification.id });
    return { orderId: null, outcome: 'ignored' };
  }

  private async recordNotification(notification: VerifiedNotification, orderId: string | null, outcome: string): Promise<void> {
    const reference = notification.resource.transaction_id ?? notification.resource.refund_id;
    await this.notificationLog.record({
      id: notification.id,
      eventType: notification.eventType,
      orderId,
      reference: typeof reference === 'string' ? reference : null,
      outcome,
    });
  }
}
