import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { cursorBeforeId, Page, toPage } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { WechatPayClient } from '../clients/wechat-pay.client';
import { ApproveAfterSaleDto, ListAfterSalesQueryDto, RejectAfterSaleDto } from '../dtos/after-sale-requests.dto';
import { AfterSaleDto } from '../dtos/after-sale.dto';
import { AfterSale, AfterSaleStatus } from '../entities/after-sale.entity';
import { Order } from '../entities/order.entity';
import { AfterSaleRepository } from '../repositories/after-sale.repository';
import { Actor, OrderRepository } from '../repositories/order.repository';
import { AfterSaleRefundService } from './after-sale-refund.service';
import { OrderEventsPublisher } from './order-events.publisher';
import { afterSaleRefundNo, assertAfterSaleTransition, refundableFen } from './after-sale-rules';

/** Staff decide after-sale requests: list them, approve (refunding through WeChat Pay) or reject. */
@Injectable()
export class AfterSaleReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly afterSales: AfterSaleRepository,
    private readonly refunds: AfterSaleRefundService,
    private readonly wechat: WechatPayClient,
    private readonly events: OrderEventsPublisher,
  ) {}

  /** Every request, newest first, optionally of one status. */
  async list(query: ListAfterSalesQueryDto): Promise<Page<AfterSaleDto>> {
    const rows = await this.afterSales.list({ status: query.status, beforeId: cursorBeforeId(query.cursor), limit: query.limit });
    return toPage(rows, query.limit, (row) => AfterSaleDto.from(row));
  }

  /**
   * Approves a requested refund, of the amount asked or a lower one, and sends it to WeChat Pay. The order's row is
   * locked and the request moves only `WHERE status = 'requested'`, so of many approvals at once one wins (the others
   * are 409) and the refunds of an order never add up to more than was paid.
   */
  async approve(staffId: string, requestId: string, body: ApproveAfterSaleDto): Promise<AfterSaleDto> {
    this.wechat.require();
    const orderNo = await this.decide(requestId, 'approved', { kind: 'staff', id: staffId }, async (manager, order, request, all) => {
      const amount = body.refundFen ?? request.requestedFen;
      if (amount > request.requestedFen) {
        throw new AppError('VALIDATION_FAILED', 'Request validation failed', [
          { field: 'refundFen', message: `must not exceed the ${request.requestedFen} fen asked for` },
        ]);
      }
      if (order.status !== 'paid' && order.status !== 'shipped' && order.status !== 'completed') {
        throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${order.status} cannot be refunded`);
      }
      const refundable = refundableFen(order, all);
      if (amount > refundable) {
        throw new AppError('REFUND_EXCEEDS_REFUNDABLE', `At most ${refundable} fen can be refunded`, [
          { field: 'refundFen', message: `at most ${refundable}` },
        ]);
      }
      return this.afterSales.approve(manager, requestId, staffId, amount, afterSaleRefundNo(requestId));
    });
    await this.refunds.send(requestId);
    return this.announce(requestId, 'approved', orderNo);
  }

  /** Rejects a requested refund, with the reason the user will read. */
  async reject(staffId: string, requestId: string, body: RejectAfterSaleDto): Promise<AfterSaleDto> {
    const orderNo = await this.decide(requestId, 'rejected', { kind: 'staff', id: staffId }, (manager) =>
      this.afterSales.reject(manager, requestId, staffId, body.reason),
    );
    return this.announce(requestId, 'rejected', orderNo);
  }

  /** Moves a request to `to` with its order's row locked, if the state machine allows it and `write` does; records it in the order's history. Answers the order's number. */
  private async decide(
    requestId: string,
    to: AfterSaleStatus,
    actor: Actor,
    write: (manager: EntityManager, order: Order, request: AfterSale, all: AfterSale[]) => Promise<boolean>,
  ): Promise<string> {
    const found = await this.afterSales.findById(requestId);
    if (!found) throw new AppError('AFTER_SALE_NOT_FOUND', 'After-sale request not found');
    return this.dataSource.transaction(async (manager) => {
      const order = await this.orders.findForUpdate(manager, found.orderId);
      if (!order) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
      const all = await this.afterSales.findOfOrder(manager, order.id);
      const request = all.find((candidate) => candidate.id === requestId) ?? found;
      assertAfterSaleTransition(request.status, to);
      // The conditional write is the guarantee; the lock only makes its losers wait and read the winner's result.
      if (!(await write(manager, order, request, all))) throw new AppError('AFTER_SALE_STATE_CONFLICT', 'The after-sale request changed meanwhile');
      await this.orders.recordEvent(manager, order.id, order.status, order.status, actor, `after_sale_${to}:${requestId}`);
      return order.orderNo;
    });
  }

  /** Tells the user's services of the decision (once committed) and answers the request as it is now. */
  private async announce(id: string, decision: 'approved' | 'rejected', orderNo: string): Promise<AfterSaleDto> {
    const request = await this.afterSales.findById(id);
    if (!request) throw new AppError('AFTER_SALE_NOT_FOUND', 'After-sale request not found');
    await this.events.afterSaleDecided(request, orderNo, decision);
    return AfterSaleDto.from(request);
  }
}
