import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDuplicateKey, sqlConditions, WriteResult } from '#libs/database';
import { DataSource, EntityManager } from 'typeorm';
import { AfterSale, AfterSaleRefundStatus, AfterSaleStatus } from '../entities/after-sale.entity';

/** The fields of a new request; it starts `requested` and open. */
export type NewAfterSale = Pick<AfterSale, 'id' | 'orderId' | 'userId' | 'reason' | 'remark' | 'requestedFen' | 'items' | 'imageUploadIds'>;

/** Filters of a list of requests, newest first. */
export interface AfterSaleFilter {
  orderId?: string;
  status?: AfterSaleStatus;
  beforeId?: string;
  limit: number;
}

/** The insert found another open request on the order (uq_after_sales_open). */
export class AfterSaleOpenError extends Error {}

/** Storage of after-sale requests. Every change is conditional on the status it expects, and says whether it happened. */
@Injectable()
export class AfterSaleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<AfterSale | null> {
    return this.dataSource.getRepository(AfterSale).findOneBy({ id });
  }

  /** A page of requests (`limit + 1` rows), newest first. */
  async list(filter: AfterSaleFilter): Promise<AfterSale[]> {
    const { where, params } = sqlConditions(
      [],
      [
        ['order_id = ?', filter.orderId],
        ['status = ?', filter.status],
        ['id < ?', filter.beforeId],
      ],
    );
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM after_sales WHERE ${where} ORDER BY id DESC LIMIT ?`, [
      ...params,
      filter.limit + 1,
    ]);
    if (!rows.length) return [];
    const found = await this.dataSource.getRepository(AfterSale).findBy(rows.map((row) => ({ id: row.id })));
    const byId = new Map(found.map((request) => [request.id, request]));
    return rows.map((row) => byId.get(row.id)).filter((request): request is AfterSale => request !== undefined);
  }

  /** Every request of an order, oldest first. */
  findByOrder(orderId: string): Promise<AfterSale[]> {
    return this.findOfOrder(this.dataSource.manager, orderId);
  }

  /** Every request of an order, read in `manager`'s transaction (the order's row locked, so they cannot change meanwhile). */
  findOfOrder(manager: EntityManager, orderId: string): Promise<AfterSale[]> {
    return manager.getRepository(AfterSale).find({ where: { orderId }, order: { id: 'ASC' } });
  }

  /** Writes a new open request; AfterSaleOpenError when the order already has one. */
  async insert(manager: EntityManager, request: NewAfterSale): Promise<void> {
    try {
      await manager.query(
        `INSERT INTO after_sales (id, order_id, user_id, status, open_order_id, reason, remark, requested_fen, items, image_upload_ids)
         VALUES (?, ?, ?, 'requested', ?, ?, ?, ?, ?, ?)`,
        [
          request.id,
          request.orderId,
          request.userId,
          request.orderId,
          request.reason,
          request.remark,
          request.requestedFen,
          JSON.stringify(request.items),
          JSON.stringify(request.imageUploadIds),
        ],
      );
    } catch (error) {
      if (isDuplicateKey(error, 'uq_after_sales_open')) throw new AfterSaleOpenError();
      throw error;
    }
  }

  /** requested → approved with its refund pending; false when it is no longer requested. */
  async approve(manager: EntityManager, id: string, staffId: string, approvedFen: number, refundNo: string): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE after_sales SET status = 'approved', approved_fen = ?, decided_by = ?, decided_at = NOW(3), refund_no = ?, refund_status = 'pending'
       WHERE id = ? AND status = 'requested'`,
      [approvedFen, staffId, refundNo, id],
    );
    return result.affectedRows === 1;
  }

  /** requested → rejected (closed); false when it is no longer requested. */
  async reject(manager: EntityManager, id: string, staffId: string, reason: string): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE after_sales SET status = 'rejected', open_order_id = NULL, reject_reason = ?, decided_by = ?, decided_at = NOW(3)
       WHERE id = ? AND status = 'requested'`,
      [reason, staffId, id],
    );
    return result.affectedRows === 1;
  }

  /** requested → withdrawn (closed) by its owner; false when it is no longer requested. */
  async withdraw(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE after_sales SET status = 'withdrawn', open_order_id = NULL, withdrawn_at = NOW(3) WHERE id = ? AND status = 'requested'`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** WeChat Pay accepted the refund (`processing`), or reported it done (`succeeded`: the request is refunded and closed). */
  async markRefundProgress(
    manager: EntityManager,
    id: string,
    to: 'processing' | 'succeeded',
    refundId: string | null,
    refundedAt: Date | null,
  ): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE after_sales SET refund_status = ?, refund_id = COALESCE(?, refund_id),
         status = IF(? = 'succeeded', 'refunded', status), open_order_id = IF(? = 'succeeded', NULL, open_order_id), refunded_at = COALESCE(?, refunded_at)
       WHERE id = ? AND status = 'approved' AND refund_status IN (?)`,
      [to, refundId, to, to, refundedAt, id, to === 'succeeded' ? ['pending', 'processing'] : ['pending']],
    );
    return result.affectedRows === 1;
  }

  /** WeChat Pay refused or closed the refund: the request stays approved, its refund failed, and it no longer holds the order open. */
  async markRefundFailed(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      `UPDATE after_sales SET refund_status = 'failed', open_order_id = NULL WHERE id = ? AND status = 'approved' AND refund_status IN ('pending', 'processing')`,
      [id],
    );
    return result.affectedRows === 1;
  }

  /** Approved requests whose refund WeChat Pay has not accepted yet (for the sweeper). */
  async findRefundsDue(updatedBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM after_sales WHERE refund_status = ? AND updated_at <= ? ORDER BY updated_at LIMIT ?`,
      ['pending' satisfies AfterSaleRefundStatus, updatedBefore, limit],
    );
    return rows.map((row) => row.id);
  }
}
