import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { CatalogClient } from '../clients/catalog.client';
import { OrdersEnv } from '../config/orders-env';
import { OrderRepository } from '../repositories/order.repository';
import { CouponRedemptionService } from './coupon-redemption.service';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrdersMetrics } from './orders-metrics';
import { AfterSaleRefundService } from './after-sale-refund.service';
import { RefundService } from './refund.service';
import { StockSettlementService } from './stock-settlement.service';

/** Rows each pass handles per kind of repair; the next pass takes the rest. */
const BATCH = 100;
/** Stock and refunds are left this long to the request that changed the order before the sweeper retries them. */
const SETTLE_GRACE_MS = 10000;

/** What one sweep did. */
export interface SweepReport {
  expired: number;
  abandonedCreations: number;
  stockSettled: number;
  refundsSent: number;
  couponsReturned: number;
}

/**
 * Repairs what lost jobs, crashes and outages leave behind: expired orders whose job never ran, creations that died
 * between reservation and placement, cancelled orders whose stock the catalog still holds, paid ones it has not yet
 * counted as sold, and refunds WeChat Pay has not accepted. Runs on one replica at a time (a BullMQ repeating job);
 * every step is idempotent, so an overlap does no harm.
 */
@Injectable()
export class OrderSweeperService {
  private readonly logger = new Logger(OrderSweeperService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    private readonly orders: OrderRepository,
    private readonly lifecycle: OrderLifecycleService,
    private readonly settlement: StockSettlementService,
    private readonly refunds: RefundService,
    private readonly afterSaleRefunds: AfterSaleRefundService,
    private readonly catalog: CatalogClient,
    private readonly metrics: OrdersMetrics,
    private readonly coupons: CouponRedemptionService,
  ) {}

  async sweep(now = Date.now()): Promise<SweepReport> {
    const report: SweepReport = { expired: 0, abandonedCreations: 0, stockSettled: 0, refundsSent: 0, couponsReturned: 0 };
    for (const id of await this.orders.findExpiredUnpaid(new Date(now), BATCH)) {
      if ((await this.lifecycle.expire(id).catch((error: Error) => this.failed('expire', id, error))) === 'cancelled') report.expired++;
    }
    for (const id of await this.orders.findAbandonedCreations(new Date(now - this.config.ORDER_REPAIR_AFTER_SECONDS * 1000), BATCH)) {
      try {
        await this.catalog.release(id);
        if (await this.orders.closeAbandonedCreation(id)) report.abandonedCreations++;
      } catch (error) {
        this.failed('release abandoned creation', id, error as Error);
      }
    }
    for (const { id, action } of await this.orders.findStockToSettle(new Date(now - SETTLE_GRACE_MS), BATCH)) {
      if (await (action === 'release' ? this.settlement.release(id) : this.settlement.confirm(id))) report.stockSettled++;
    }
    for (const id of await this.orders.findRefundsDue(new Date(now - SETTLE_GRACE_MS), BATCH)) {
      await this.refunds.send(id);
      report.refundsSent++;
    }
    // After the abandoned creations above: their coupons (and any a crash left on a cancelled or removed order) come back.
    report.couponsReturned = await this.coupons.releaseHeldByClosedOrders(BATCH);
    report.refundsSent += await this.afterSaleRefunds.resendDue(new Date(now - SETTLE_GRACE_MS), BATCH);
    for (const [kind, count] of Object.entries(report) as [string, number][]) this.metrics.repaired(kind, count);
    if (Object.values(report).some((count) => count > 0)) this.logger.log({ msg: 'sweep repaired orders', ...report });
    return report;
  }

  private failed(step: string, orderId: string, error: Error): undefined {
    this.logger.warn({ msg: `sweep: ${step} failed; next pass retries`, orderId, error: error.message });
    return undefined;
  }
}
