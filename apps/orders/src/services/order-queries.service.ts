import { Injectable } from '@nestjs/common';
import type { Principal } from '#libs/auth';
import { cursorBeforeId, Page, toPage } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { AdminListOrdersQueryDto, ListOrdersQueryDto } from '../dtos/list-orders-query.dto';
import { AdminOrderDto, OrderDto } from '../dtos/order.dto';
import { OrderFilter, OrderRepository, OrderWithItems } from '../repositories/order.repository';

/** Reading orders: a user sees their own (another user's order is 404, not 403); staff see all. */
@Injectable()
export class OrderQueriesService {
  constructor(private readonly orders: OrderRepository) {}

  /** A placed order as its owner sees it (no ownership check: for code that already did it). */
  async view(id: string): Promise<OrderDto> {
    const found = await this.orders.findPlaced(id);
    if (!found) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    return OrderDto.from(found.order, found.items);
  }

  async get(principal: Principal, id: string): Promise<OrderDto> {
    const found = await this.orders.findPlaced(id);
    if (!found || (principal.kind !== 'staff' && found.order.userId !== principal.id)) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    return OrderDto.from(found.order, found.items);
  }

  /** The caller's orders, newest first; staff get everyone's. */
  list(principal: Principal, query: ListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.page({
      userId: principal.kind === 'staff' ? undefined : principal.id,
      status: query.status,
      beforeId: cursorBeforeId(query.cursor),
      limit: query.limit,
    });
  }

  adminList(query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    return this.page({
      userId: query.userId,
      status: query.status,
      orderNo: query.orderNo,
      createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
      createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
      wechatSync: query.wechatSync,
      beforeId: cursorBeforeId(query.cursor),
      limit: query.limit,
    });
  }

  /** An order with its stock state, payment reference and full history, for staff. */
  async adminGet(id: string): Promise<AdminOrderDto> {
    const found = await this.orders.findPlaced(id);
    if (!found) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const history = await this.orders.history(id);
    return {
      ...OrderDto.from(found.order, found.items),
      stockState: found.order.stockState,
      transactionId: found.order.transactionId,
      history: history.map((event) => ({
        from: event.fromStatus,
        to: event.toStatus,
        actor: { kind: event.actorKind, id: event.actorId },
        reason: event.reason,
        at: event.createdAt.toISOString(),
      })),
    };
  }

  private async page(filter: OrderFilter): Promise<Page<OrderDto>> {
    const rows = await this.orders.list(filter);
    return toPage(
      rows,
      filter.limit,
      (row: OrderWithItems) => OrderDto.from(row.order, row.items),
      (row) => row.order.id,
    );
  }
}
