import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '#libs/config';
import { cursorBeforeId, Page, PageQueryDto, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { PayerClient } from '../clients/payer.client';
import { UploadClient } from '../clients/upload.client';
import { OrdersEnv } from '../config/orders-env';
import { CreateAfterSaleDto } from '../dtos/after-sale-requests.dto';
import { AfterSaleDto } from '../dtos/after-sale.dto';
import { AfterSale, AfterSaleItem } from '../entities/after-sale.entity';
import { OrderItem } from '../entities/order-item.entity';
import { AfterSaleOpenError, AfterSaleRepository } from '../repositories/after-sale.repository';
import { Actor, OrderRepository } from '../repositories/order.repository';
import { assertAfterSaleAllowed, assertAfterSaleTransition, refundableFen } from './after-sale-rules';
import { UserTextCheckService } from './user-text-check.service';

/** Whether a request still holds its order open: requested, or approved with its refund under way. */
export function isOpenAfterSale(request: Pick<AfterSale, 'status' | 'refundStatus'>): boolean {
  return request.status === 'requested' || (request.status === 'approved' && request.refundStatus !== 'failed');
}

/** What a request's lines are worth at the order's prices, in fen. */
function valueOfItems(items: AfterSaleItem[], lines: OrderItem[]): number {
  return items.reduce((sum, item) => {
    const line = lines.find((candidate) => candidate.skuId === item.skuId);
    // What the user paid for those units: the line's share of a coupon's discount is not refunded.
    return line ? sum + Math.floor(((line.subtotalFen - line.discountFen) * item.quantity) / line.quantity) : sum;
  }, 0);
}

/** 400 VALIDATION_FAILED unless every item is a line of the order, once, with at most its units. */
function assertItemsOfOrder(items: AfterSaleItem[], lines: OrderItem[]): void {
  const problems = items.flatMap((item, index) => {
    const line = lines.find((candidate) => candidate.skuId === item.skuId);
    if (!line) return [{ field: `items.${index}.skuId`, message: 'is not a line of this order' }];
    if (items.findIndex((other) => other.skuId === item.skuId) !== index) return [{ field: `items.${index}.skuId`, message: 'is listed twice' }];
    if (item.quantity > line.quantity) return [{ field: `items.${index}.quantity`, message: `the order has ${line.quantity}` }];
    return [];
  });
  if (problems.length) throw new AppError('VALIDATION_FAILED', 'Request validation failed', problems);
}

/** A user's after-sale refund requests on their own orders: asking, seeing and withdrawing them. */
@Injectable()
export class AfterSaleRequestService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly afterSales: AfterSaleRepository,
    private readonly uploads: UploadClient,
    private readonly texts: UserTextCheckService,
    private readonly payer: PayerClient,
  ) {}

  /**
   * Opens a request on the caller's paid, shipped or recently completed order. The order's row is locked while the
   * rules are checked and the request written, so two requests at once cannot both open, nor both count the same money.
   */
  async request(userId: string, orderId: string, body: CreateAfterSaleDto): Promise<AfterSaleDto> {
    const placed = await this.orders.findPlaced(orderId);
    if (!placed || placed.order.userId !== userId) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const items: AfterSaleItem[] = (body.items ?? []).map((item) => ({ skuId: item.skuId, quantity: item.quantity }));
    assertItemsOfOrder(items, placed.items);
    const imageUploadIds = body.imageUploadIds ?? [];
    await this.uploads.requireOwnImages(userId, () => this.payer.openidOf(userId), 'imageUploadIds', imageUploadIds);
    await this.texts.assertSafe(userId, [
      { text: body.reason, what: 'The reason' },
      { text: body.remark, what: 'The remark' },
    ]);
    const id = newId();
    const actor: Actor = { kind: 'user', id: userId };
    await this.dataSource.transaction(async (manager) => {
      const order = await this.orders.findForUpdate(manager, orderId);
      if (!order) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
      assertAfterSaleAllowed(order, this.config.AFTER_SALE_DAYS, new Date());
      const existing = await this.afterSales.findOfOrder(manager, orderId);
      if (existing.some(isOpenAfterSale)) throw new AppError('AFTER_SALE_OPEN', 'This order already has an open after-sale request');
      // Never above what is left of the payment; with lines named, never above what those lines cost either.
      const limit = Math.min(refundableFen(order, existing), items.length ? valueOfItems(items, placed.items) : Infinity);
      if (body.refundFen > limit) {
        throw new AppError('REFUND_EXCEEDS_REFUNDABLE', `At most ${limit} fen can be refunded`, [{ field: 'refundFen', message: `at most ${limit}` }]);
      }
      try {
        await this.afterSales.insert(manager, {
          id,
          orderId,
          userId,
          reason: body.reason,
          remark: body.remark ?? null,
          requestedFen: body.refundFen,
          items,
          imageUploadIds,
        });
      } catch (error) {
        if (error instanceof AfterSaleOpenError) throw new AppError('AFTER_SALE_OPEN', 'This order already has an open after-sale request');
        throw error;
      }
      await this.orders.recordEvent(manager, orderId, order.status, order.status, actor, `after_sale_requested:${id}`);
    });
    return this.view(id);
  }

  /** The requests of one of the caller's orders, newest first. */
  async listOfOrder(userId: string, orderId: string, query: PageQueryDto): Promise<Page<AfterSaleDto>> {
    const order = await this.orders.findById(orderId);
    if (!order?.placedAt || order.userId !== userId) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const rows = await this.afterSales.list({ orderId, beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, (row) => AfterSaleDto.from(row));
  }

  /** The owner takes back a request staff have not decided yet (409 AFTER_SALE_STATE_CONFLICT once they have). */
  async withdraw(userId: string, orderId: string, requestId: string): Promise<AfterSaleDto> {
    const request = await this.afterSales.findById(requestId);
    if (!request || request.orderId !== orderId || request.userId !== userId) throw new AppError('AFTER_SALE_NOT_FOUND', 'After-sale request not found');
    await this.dataSource.transaction(async (manager) => {
      const order = await this.orders.findForUpdate(manager, orderId);
      if (!order) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
      const current = (await this.afterSales.findOfOrder(manager, orderId)).find((candidate) => candidate.id === requestId);
      assertAfterSaleTransition(current?.status ?? request.status, 'withdrawn');
      if (!(await this.afterSales.withdraw(manager, requestId))) throw new AppError('AFTER_SALE_STATE_CONFLICT', 'The after-sale request changed meanwhile');
      await this.orders.recordEvent(manager, orderId, order.status, order.status, { kind: 'user', id: userId }, `after_sale_withdrawn:${requestId}`);
    });
    return this.view(requestId);
  }

  private async view(id: string): Promise<AfterSaleDto> {
    const request = await this.afterSales.findById(id);
    if (!request) throw new AppError('AFTER_SALE_NOT_FOUND', 'After-sale request not found');
    return AfterSaleDto.from(request);
  }
}
