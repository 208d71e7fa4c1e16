import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '#libs/config';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { CatalogClient } from '../clients/catalog.client';
import { OrdersEnv } from '../config/orders-env';
import { CreateOrderDto } from '../dtos/create-order.dto';
import { OrderDto } from '../dtos/order.dto';
import { Order } from '../entities/order.entity';
import { DuplicateOrderKeyError, NewOrder, OrderRepository } from '../repositories/order.repository';
import { OrderExpiryScheduler } from '../jobs/order-expiry.scheduler';
import { newOrderNo } from './business-time';
import { CartService } from './cart.service';
import { CouponRedemptionService } from './coupon-redemption.service';
import { OrderContact, OrderContactService } from './order-contact.service';
import { CartLine, discountLines, mergeLines, orderTotal, priceLines, unitCount } from './order-pricing';
import { OrderQueriesService } from './order-queries.service';
import { OrdersMetrics } from './orders-metrics';
import { UserTextCheckService } from './user-text-check.service';

/**
 * Places orders as a saga: snapshot prices and names from the catalog, write the order (hidden until placed), reserve
 * the stock, then show it. A refusal by the catalog removes the order; a failure of unknown outcome leaves it for the
 * sweeper to give the stock back; nothing is ever half-written for the user.
 */
@Injectable()
export class OrderPlacementService {
  private readonly logger = new Logger(OrderPlacementService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    private readonly catalog: CatalogClient,
    private readonly orders: OrderRepository,
    private readonly queries: OrderQueriesService,
    private readonly expiry: OrderExpiryScheduler,
    private readonly metrics: OrdersMetrics,
    private readonly cart: CartService,
    private readonly contacts: OrderContactService,
    private readonly coupons: CouponRedemptionService,
    private readonly texts: UserTextCheckService,
  ) {}

  async place(userId: string, request: CreateOrderDto, idempotencyKey?: string): Promise<OrderDto> {
    try {
      await this.texts.assertSafe(userId, [{ text: request.remark, what: 'The remark' }]);
      return await this.placeOnce(userId, request, idempotencyKey);
    } catch (error) {
      this.metrics.placementRefused(error instanceof AppError ? error.code : 'INTERNAL_ERROR');
      throw error;
    }
  }

  private async placeOnce(userId: string, request: CreateOrderDto, idempotencyKey?: string, mayRetryFailedKey = true): Promise<OrderDto> {
    const lines = mergeLines(request.items);
    let contact: OrderContact;
    try {
      contact = await this.contacts.contactFor(userId, request);
    } catch (error) {
      // A keyed repeat whose Redis record is lost, of an order placed before its address was deleted: that order is the answer.
      const placed = idempotencyKey === undefined ? undefined : await this.placedForKey(userId, idempotencyKey);
      if (placed) return placed;
      throw error;
    }
    const snapshots = await this.catalog.getSkus(lines.map((line) => line.skuId));
    const priced = priceLines(lines, snapshots);
    const subtotalFen = orderTotal(priced);
    // Checked (theirs, unused, valid, applicable) before anything is written; taken in the order's transaction below.
    const coupon = request.userCouponId ? await this.coupons.price(userId, request.userCouponId, discountLines(priced, snapshots)) : undefined;
    const items = priced.map((item, index) => ({ ...item, discountFen: coupon?.lineDiscountsFen[index] ?? 0 }));
    const discountFen = coupon?.discountFen ?? 0;
    const totalFen = subtotalFen - discountFen;

    const id = newId();
    const keyHash = idempotencyKey === undefined ? null : createHash('sha256').update(idempotencyKey).digest('base64url');
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + this.config.ORDER_PAYMENT_TTL_SECONDS * 1000);
    let order: NewOrder;
    try {
      order = await this.orders.insertPending(
        {
          id,
          orderNo: newOrderNo(this.config.BUSINESS_UTC_OFFSET),
          userId,
          totalFen,
          discountFen,
          itemCount: unitCount(items),
          contactName: contact.name,
          contactPhone: contact.phone,
          contactAddress: contact.address,
          ...contact.addressParts,
          remark: request.remark ?? null,
          idempotencyKey: keyHash,
          expiresAt,
          createdAt,
        },
        items,
        { kind: 'user', id: userId },
        () => newOrderNo(this.config.BUSINESS_UTC_OFFSET),
        coupon && ((manager) => this.coupons.use(manager, userId, coupon, id)),
      );
    } catch (error) {
      if (!(error instanceof DuplicateOrderKeyError)) throw error;
      const existing = await this.existingForKey(userId, keyHash!, mayRetryFailedKey);
      if (existing) return existing;
      // The key's first creation failed with an outcome the client was told was an error: this retry places it.
      return this.placeOnce(userId, request, idempotencyKey, false);
    }

    await this.reserve(id, lines);
    if (!(await this.orders.markPlaced(id))) {
      // Only the sweeper moves a `reserving` order, and only long after any request has ended.
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'The order could not be placed, try again');
    }
    // Not awaited: a job that fails to be scheduled is covered by the sweep.
    void this.expiry.schedule(id, expiresAt);
    this.metrics.orderPlaced();
    // Only here, where this run placed the order: a replay of its key (or a failed order) leaves the cart alone.
    await this.cart.removeOrderedLines(
      userId,
      lines.map((line) => line.skuId),
    );
    return OrderDto.from(
      placedOrder(order),
      items.map((item) => ({ ...item, orderId: id })),
    );
  }

  private async reserve(orderId: string, lines: CartLine[]): Promise<void> {
    try {
      const reservation = await this.catalog.reserve(
        orderId,
        lines.map(({ skuId, quantity }) => ({ skuId, quantity })),
        this.config.ORDER_RESERVE_TIMEOUT_MS,
      );
      // Only a reservation released meanwhile (the sweeper, long after a stalled request) answers otherwise.
      if (reservation.status !== 'reserved') throw new AppError('DEPENDENCY_UNAVAILABLE', 'The order could not be placed, try again');
    } catch (error) {
      if (error instanceof AppError && error.status >= 400 && error.status < 500) {
        // A refusal: the catalog reserved nothing, so the order simply never existed (and its coupon is unused again).
        await this.coupons.release(orderId);
        await this.orders.deleteUnplaced(orderId);
        throw error;
      }
      // Timeout or outage: the reservation may have happened. Hide the order and give the stock back, now and again
      // later from the sweeper (a reservation that arrives after this release is released then).
      this.logger.warn({ msg: 'stock reservation of unknown outcome; releasing', orderId, error: (error as Error).message });
      await this.orders.markCreationFailed(orderId);
      await this.coupons.release(orderId).catch(() => undefined);
      await this.catalog.release(orderId).catch(() => undefined);
      throw error;
    }
  }

  /** The order a first run with this key placed, if any. */
  private async placedForKey(userId: string, idempotencyKey: string): Promise<OrderDto | undefined> {
    const order = await this.orders.findByIdempotencyKey(userId, createHash('sha256').update(idempotencyKey).digest('base64url'));
    return order?.placedAt ? this.queries.view(order.id) : undefined;
  }

  /**
   * A repeat of a create whose first run got past the insert (found by the database's copy of the key): the order if it
   * was placed; IDEMPOTENCY_IN_PROGRESS while its first run may still be reserving; undefined, with the key freed for
   * this run, if that run failed (the client was told so) or died (its stock is given back, as the sweeper would).
   */
  private async existingForKey(userId: string, keyHash: string, mayRetryFailedKey: boolean): Promise<OrderDto | undefined> {
    const order = await this.orders.findByIdempotencyKey(userId, keyHash);
    if (order?.placedAt) return this.queries.view(order.id);
    if (order && mayRetryFailedKey) {
      // This request holds the key's claim, so a run still `reserving` past the claim's lifetime lost it: its replica died.
      if (order.stockState === 'reserving' && Date.now() - order.createdAt.getTime() > this.config.IDEMPOTENCY_PENDING_TTL_SECONDS * 1000) {
        this.logger.warn({ msg: 'taking over the key of a creation abandoned mid-reservation; releasing its stock', orderId: order.id });
        await this.orders.markCreationFailed(order.id);
        await this.coupons.release(order.id).catch(() => undefined);
        await this.catalog.release(order.id).catch(() => undefined);
      }
      if (await this.orders.releaseIdempotencyKeyOfFailedCreation(order.id)) return undefined;
    }
    throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
  }
}

/** The order just placed, as the database now has it (the reply needs no read back). */
function placedOrder(order: NewOrder): Order {
  return {
    ...order,
    status: 'pending_payment',
    stockState: 'reserved',
    placedAt: order.createdAt,
    prepayId: null,
    prepayAt: null,
    transactionId: null,
    paidFen: null,
    paidAt: null,
    carrier: null,
    trackingNo: null,
    logisticsType: null,
    wechatSync: null,
    shippedAt: null,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    refundStatus: null,
    refundNo: null,
    refundId: null,
    refundFen: null,
    refundedAt: null,
    version: 0,
    updatedAt: order.createdAt,
  };
}
