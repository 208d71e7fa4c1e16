import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDuplicateKey, sqlConditions, Statement, StatementBatches, WriteResult } from '#libs/database';
import { DataSource, EntityManager, In } from 'typeorm';
import { OrderEvent, ActorKind } from '../entities/order-event.entity';
import { OrderItem } from '../entities/order-item.entity';
import { Order, OrderStatus, StockState, WechatSync } from '../entities/order.entity';

/** An order with its lines. */
export interface OrderWithItems {
  order: Order;
  items: OrderItem[];
}

/** Who made a change, and why. */
export interface Actor {
  kind: ActorKind;
  id: string | null;
}

/** The fields of a new order; the rest start empty. */
export type NewOrder = Pick<
  Order,
  | 'id'
  | 'orderNo'
  | 'userId'
  | 'totalFen'
  | 'discountFen'
  | 'itemCount'
  | 'contactName'
  | 'contactPhone'
  | 'contactAddress'
  | 'contactProvince'
  | 'contactCity'
  | 'contactDistrict'
  | 'contactDetail'
  | 'contactPostalCode'
  | 'remark'
  | 'idempotencyKey'
  | 'expiresAt'
  | 'createdAt'
>;

/** Filters of an order list. */
export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
  orderNo?: string;
  createdFrom?: Date;
  createdTo?: Date;
  wechatSync?: WechatSync;
  /** Only orders with an id below this one (the page before it, newest first). */
  beforeId?: string;
  limit: number;
}

/** The insert collided with an order of the same user and idempotency key. */
export class DuplicateOrderKeyError extends Error {}

/** Storage of orders, their lines and their history. Status changes are written by OrderTransitionsService, in its transaction. */
@Injectable()
export class OrderRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly batches: StatementBatches,
  ) {}

  /**
   * Writes a new order (status pending_payment, stock `reserving`, not yet placed) with its lines and first history
   * line, all or nothing, in one round trip. `newOrderNo` is asked again if the number is taken. `alsoInTransaction`
   * runs after the inserts in the same transaction (a coupon's use): if it throws, nothing is written.
   */
  async insertPending(
    order: NewOrder,
    items: Omit<OrderItem, 'orderId'>[],
    actor: Actor,
    newOrderNo: () => string,
    alsoInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<NewOrder> {
    for (let attempt = 0; ; attempt++) {
      try {
        const statements = pendingOrderStatements(order, items, actor);
        if (alsoInTransaction) {
          await this.dataSource.transaction(async (manager) => {
            for (const { sql, params } of statements) await manager.query(sql, params);
            await alsoInTransaction(manager);
          });
        } else {
          await this.batches.transaction(statements);
        }
        return order;
      } catch (error) {
        if (isDuplicateKey(error, 'uq_orders_user_idempotency')) throw new DuplicateOrderKeyError();
        if (isDuplicateKey(error, 'uq_orders_order_no') && attempt < 5) {
          order = { ...order, orderNo: newOrderNo() };
          continue;
        }
        throw error;
      }
    }
  }

  /** The catalog reserved the stock: the order now exists for its owner. False if it was no longer `reserving`. */
  async markPlaced(id: string): Promise<boolean> {
    const result = await this.dataSource.query<WriteResult>(
      `UPDATE orders SET placed_at = NOW(3), stock_state = 'reserved' WHERE id = ? AND stock_state = 'reserving' AND placed_at IS NULL`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** Removes an order the catalog refused outright (nothing was reserved); its lines and history go with it. */
  async deleteUnplaced(id: string): Promise<void> {
    await this.dataSource.query('DELETE FROM orders WHERE id = ? AND placed_at IS NULL', [id]);
  }

  /** A creation whose reservation may or may not have happened: stays hidden, cancelled, its stock to be given back. */
  async markCreationFailed(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE orders SET status = 'cancelled', stock_state = 'releasing', cancelled_at = NOW(3), cancel_reason = 'creation_failed'
       WHERE id = ? AND placed_at IS NULL`,
      [id],
    );
  }

  /**
   * Frees the idempotency key of a creation that failed (its stock released or being released, the client told it
   * failed), so that the client's retry with that key can place the order. False if it is not such a creation.
   */
  async releaseIdempotencyKeyOfFailedCreation(id: string): Promise<boolean> {
    const result = await this.dataSource.query<WriteResult>(
      `UPDATE orders SET idempotency_key = NULL WHERE id = ? AND placed_at IS NULL AND cancel_reason = 'creation_failed' AND stock_state IN ('releasing', 'released')`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** The order a user created with this (hashed) idempotency key, placed or not. */
  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ userId, idempotencyKey });
  }

  /** A placed order with its lines; unplaced ones do not exist for anyone. */
  async findPlaced(id: string): Promise<OrderWithItems | null> {
    const order = await this.dataSource.getRepository(Order).findOneBy({ id });
    if (!order || !order.placedAt) return null;
    const items = await this.dataSource.getRepository(OrderItem).find({ where: { orderId: id }, order: { lineNo: 'ASC' } });
    return { order, items };
  }

  async findById(id: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ id });
  }

  async findByOrderNo(orderNo: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ orderNo });
  }

  async findByTransactionId(transactionId: string): Promise<Order | null> {
    return this.dataSource.getRepository(Order).findOneBy({ transactionId });
  }

  /** A page of placed orders, newest first, with their lines; `limit + 1` rows so the caller can tell if there is more. */
  async list(filter: OrderFilter): Promise<OrderWithItems[]> {
    const { where, params } = sqlConditions(
      ['placed_at IS NOT NULL'],
      [
        ['user_id = ?', filter.userId],
        ['status = ?', filter.status],
        ['order_no = ?', filter.orderNo],
        ['created_at >= ?', filter.createdFrom],
        ['created_at < ?', filter.createdTo],
        ['wechat_sync = ?', filter.wechatSync],
        ['id < ?', filter.beforeId],
      ],
    );
    const ids: { id: string }[] = await this.dataSource.query(`SELECT id FROM orders WHERE ${where} ORDER BY id DESC LIMIT ?`, [...params, filter.limit + 1]);
    if (!ids.length) return [];
    const orders = await this.dataSource.getRepository(Order).find({ where: { id: In(ids.map((row) => row.id)) }, order: { id: 'DESC' } });
    const items = await this.dataSource.getRepository(OrderItem).find({ where: { orderId: In(orders.map((order) => order.id)) }, order: { lineNo: 'ASC' } });
    return orders.map((order) => ({ order, items: items.filter((item) => item.orderId === order.id) }));
  }

  /** The history of an order, oldest first. */
  history(orderId: string): Promise<OrderEvent[]> {
    return this.dataSource.getRepository(OrderEvent).find({ where: { orderId }, order: { id: 'ASC' } });
  }

  /** The order, its row locked until `manager`'s transaction ends. */
  findForUpdate(manager: EntityManager, id: string): Promise<Order | null> {
    return manager.getRepository(Order).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Writes `changes` to a locked order with the next version; returns the order as it now is. */
  async updateLockedOrder(manager: EntityManager, order: Order, changes: Partial<Order>): Promise<Order> {
    const after = { ...order, ...changes, version: order.version + 1 };
    await manager.getRepository(Order).update({ id: order.id }, { ...changes, version: after.version });
    return after;
  }

  /** Adds a line to an order's history. */
  async recordEvent(manager: EntityManager, orderId: string, from: OrderStatus | null, to: OrderStatus, actor: Actor, reason: string | null): Promise<void> {
    const { sql, params } = eventStatement(orderId, from, to, actor, reason);
    await manager.query(sql, params);
  }

  /** Moves the stock state on if it is still one of `from`; returns whether it did. */
  async setStockState(id: string, from: StockState[], to: StockState): Promise<boolean> {
    const result = await this.dataSource.query<WriteResult>(`UPDATE orders SET stock_state = ? WHERE id = ? AND stock_state IN (?)`, [to, id, from]);
    return result.affectedRows === 1;
  }

  /** Stores the prepay id WeChat Pay gave for this order. */
  async setPrepay(id: string, prepayId: string): Promise<void> {
    await this.dataSource.query('UPDATE orders SET prepay_id = ?, prepay_at = NOW(3) WHERE id = ?', [prepayId, id]);
  }

  /** Unpaid placed orders past their expiry (for the sweeper). */
  async findExpiredUnpaid(before: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM orders WHERE status = 'pending_payment' AND expires_at <= ? AND placed_at IS NOT NULL ORDER BY expires_at LIMIT ?`,
      [before, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Creations that never finished (a crash, an unanswered reservation) and are old enough to be repaired. */
  async findAbandonedCreations(createdBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM orders WHERE stock_state IN ('reserving', 'releasing') AND placed_at IS NULL AND created_at <= ? ORDER BY created_at LIMIT ?`,
      [createdBefore, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Closes an abandoned creation once its stock has been given back: hidden, cancelled, released. */
  async closeAbandonedCreation(id: string): Promise<boolean> {
    const result = await this.dataSource.query<WriteResult>(
      `UPDATE orders SET status = 'cancelled', stock_state = 'released', cancelled_at = COALESCE(cancelled_at, NOW(3)), cancel_reason = COALESCE(cancel_reason, 'creation_failed')
       WHERE id = ? AND placed_at IS NULL AND stock_state IN ('reserving', 'releasing')`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** Placed orders whose stock the catalog still holds but should not: cancelled ones (release) and paid ones (confirm). */
  async findStockToSettle(updatedBefore: Date, limit: number): Promise<{ id: string; action: 'release' | 'confirm' }[]> {
    return this.dataSource.query(
      `SELECT id, IF(status = 'cancelled', 'release', 'confirm') AS action FROM orders
       WHERE stock_state IN ('reserved', 'releasing') AND placed_at IS NOT NULL AND status IN ('cancelled', 'paid', 'shipped', 'completed') AND updated_at <= ?
       ORDER BY updated_at LIMIT ?`,
      [updatedBefore, limit],
    );
  }

  /** Cancelled paid orders whose refund WeChat Pay has not accepted yet. */
  async findRefundsDue(updatedBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM orders WHERE refund_status = 'pending' AND updated_at <= ? ORDER BY updated_at LIMIT ?`,
      [updatedBefore, limit],
    );
    return rows.map((row) => row.id);
  }
}

/** The inserts of a new order: the order, its lines (one multi-row insert) and its first history line. */
function pendingOrderStatements(order: NewOrder, items: Omit<OrderItem, 'orderId'>[], actor: Actor): Statement[] {
  return [
    {
      sql: `INSERT INTO orders (id, order_no, user_id, status, stock_state, total_fen, discount_fen, item_count, contact_name, contact_phone, contact_address,
              contact_province, contact_city, contact_district, contact_detail, contact_postal_code, remark, idempotency_key, expires_at, created_at, updated_at)
            VALUES (?, ?, ?, 'pending_payment', 'reserving', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        order.id,
        order.orderNo,
        order.userId,
        order.totalFen,
        order.discountFen,
        order.itemCount,
        order.contactName,
        order.contactPhone,
        order.contactAddress,
        order.contactProvince,
        order.contactCity,
        order.contactDistrict,
        order.contactDetail,
        order.contactPostalCode,
        order.remark,
        order.idempotencyKey,
        order.expiresAt,
        order.createdAt,
        order.createdAt,
      ],
    },
    {
      sql: `INSERT INTO order_items (order_id, sku_id, line_no, product_id, product_title, sku_name, image_url, unit_price_fen, quantity, subtotal_fen, discount_fen)
            VALUES ${items.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      params: items.flatMap((item) => [
        order.id,
        item.skuId,
        item.lineNo,
        item.productId,
        item.productTitle,
        item.skuName,
        item.imageUrl,
        item.unitPriceFen,
        item.quantity,
        item.subtotalFen,
        item.discountFen,
      ]),
    },
    eventStatement(order.id, null, 'pending_payment', actor, null),
  ];
}

/** A line of an order's history. */
function eventStatement(orderId: string, from: OrderStatus | null, to: OrderStatus, actor: Actor, reason: string | null): Statement {
  return {
    sql: 'INSERT INTO order_events (order_id, from_status, to_status, actor_kind, actor_id, reason) VALUES (?, ?, ?, ?, ?, ?)',
    params: [orderId, from, to, actor.kind, actor.id, reason],
  };
}
