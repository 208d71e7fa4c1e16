import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { IdempotencyModule } from '#libs/idempotency';
import { QueuesModule } from '#libs/queues';
import { WechatModule } from '#libs/wechat';
import { CatalogClient } from './clients/catalog.client';
import { AddressBookClient } from './clients/address-book.client';
import { PayerClient } from './clients/payer.client';
import { UploadClient } from './clients/upload.client';
import { OrdersEnv } from './config/orders-env';
import { AfterSaleAdminController } from './controllers/after-sale-admin.controller';
import { AfterSaleController } from './controllers/after-sale.controller';
import { AppointmentAdminController } from './controllers/appointment-admin.controller';
import { AppointmentController } from './controllers/appointment.controller';
import { CartController } from './controllers/cart.controller';
import { CouponAdminController } from './controllers/coupon-admin.controller';
import { CouponController } from './controllers/coupon.controller';
import { OrderAdminController } from './controllers/order-admin.controller';
import { OrderController } from './controllers/order.controller';
import { PaymentNotifyController } from './controllers/payment-notify.controller';
import { OrderExpiryScheduler } from './jobs/order-expiry.scheduler';
import { OrderJobsWorker } from './jobs/order-jobs.worker';
import { ShippingUploadWorker } from './jobs/shipping-upload.worker';
import { WechatSettlementHandler } from './messages/wechat-settlement.handler';
import { ShippingUploadMetrics } from './metrics/shipping-upload.metrics';
import { ShippingUploadRepository } from './repositories/shipping-upload.repository';
import { OrderSettlementService } from './services/order-settlement.service';
import { OrderShipmentService } from './services/order-shipment.service';
import { ShippingUploadService } from './services/shipping-upload.service';
import { ORDERS_SCHEMA } from './orders-schema';
import { WechatPayNotifications } from './clients/wechat-pay-notifications';
import { WechatPayClient } from './clients/wechat-pay.client';
import { AfterSaleRepository } from './repositories/after-sale.repository';
import { AppointmentResourceRepository } from './repositories/appointment-resource.repository';
import { AppointmentSlotRepository } from './repositories/appointment-slot.repository';
import { AppointmentRepository } from './repositories/appointment.repository';
import { CartRepository } from './repositories/cart.repository';
import { OrderRepository } from './repositories/order.repository';
import { CouponRepository } from './repositories/coupon.repository';
import { UserCouponRepository } from './repositories/user-coupon.repository';
import { CouponAdminService } from './services/coupon-admin.service';
import { CouponClaimService } from './services/coupon-claim.service';
import { CouponRedemptionService } from './services/coupon-redemption.service';
import { PaymentNotificationRepository } from './repositories/payment-notification.repository';
import { AfterSaleRefundService } from './services/after-sale-refund.service';
import { AfterSaleRequestService } from './services/after-sale-request.service';
import { AfterSaleReviewService } from './services/after-sale-review.service';
import { AppointmentAdminService } from './services/appointment-admin.service';
import { AppointmentBookingService } from './services/appointment-booking.service';
import { AppointmentCancellationService } from './services/appointment-cancellation.service';
import { AppointmentResourcesService } from './services/appointment-resources.service';
import { CartService } from './services/cart.service';
import { OrderLifecycleService } from './services/order-lifecycle.service';
import { OrderContactService } from './services/order-contact.service';
import { OrderPlacementService } from './services/order-placement.service';
import { OrderQueriesService } from './services/order-queries.service';
import { OrderSweeperService } from './services/order-sweeper.service';
import { OrdersMetrics } from './services/orders-metrics';
import { OrderTransitionsService } from './services/order-transitions.service';
import { PaymentNotificationService } from './services/payment-notification.service';
import { PaymentReconciliationService } from './services/payment-reconciliation.service';
import { OrderEventsPublisher } from './services/order-events.publisher';
import { PaymentStartService } from './services/payment-start.service';
import { RefundService } from './services/refund.service';
import { StockSettlementService } from './services/stock-settlement.service';
import { UserTextCheckService } from './services/user-text-check.service';

/** The orders service: orders (placement saga, state machine, expiry, WeChat Pay, refunds) and appointment bookings. */
@Module({})
export class OrdersModule {
  static register(config: OrdersEnv): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        PlatformModule.forService('orders', config, ORDERS_SCHEMA),
        QueuesModule,
        WechatModule.forService(),
        IdempotencyModule.forRoot({
          resultTtlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
          pendingTtlSeconds: config.IDEMPOTENCY_PENDING_TTL_SECONDS,
          waitMs: config.IDEMPOTENCY_WAIT_MS,
        }),
      ],
      controllers: [
        OrderController,
        OrderAdminController,
        PaymentNotifyController,
        AppointmentController,
        AppointmentAdminController,
        CartController,
        AfterSaleController,
        AfterSaleAdminController,
        CouponController,
        CouponAdminController,
        WechatSettlementHandler,
      ],
      providers: [
        OrderEventsPublisher,
        CatalogClient,
        PayerClient,
        AddressBookClient,
        WechatPayClient,
        WechatPayNotifications,
        OrderRepository,
        PaymentNotificationRepository,
        AppointmentResourceRepository,
        AppointmentSlotRepository,
        AppointmentRepository,
        OrdersMetrics,
        OrderTransitionsService,
        OrderQueriesService,
        StockSettlementService,
        RefundService,
        PaymentReconciliationService,
        PaymentStartService,
        PaymentNotificationService,
        OrderLifecycleService,
        OrderPlacementService,
        OrderContactService,
        OrderSweeperService,
        CouponRepository,
        UserCouponRepository,
        CouponAdminService,
        CouponClaimService,
        CouponRedemptionService,
        OrderExpiryScheduler,
        OrderJobsWorker,
        AppointmentCancellationService,
        AppointmentResourcesService,
        AppointmentBookingService,
        AppointmentAdminService,
        CartRepository,
        CartService,
        UploadClient,
        AfterSaleRepository,
        AfterSaleRefundService,
        AfterSaleRequestService,
        AfterSaleReviewService,
        ShippingUploadRepository,
        ShippingUploadMetrics,
        ShippingUploadService,
        ShippingUploadWorker,
        OrderShipmentService,
        OrderSettlementService,
        UserTextCheckService,
      ],
    };
  }
}
