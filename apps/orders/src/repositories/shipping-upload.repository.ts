import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WriteResult } from '#libs/database';
import { DataSource, EntityManager } from 'typeorm';
import { ShippingUpload, ShippingUploadState } from '../entities/shipping-upload.entity';

/**
 * The outbox of shipping information uploads. A worker claims a due row with a lease (a token and an expiry) by a
 * conditional UPDATE, so one replica works on it at a time; a replica that dies leaves a lease that runs out, and the
 * row is claimed again. Every later write names the lease token: a replica whose lease was taken over writes nothing.
 */
@Injectable()
export class ShippingUploadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The upload of a shipment, due now; in the ship's transaction. */
  async insert(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`INSERT INTO shipping_uploads (order_id, state, attempts, next_attempt_at) VALUES (?, 'pending', 0, NOW(3))`, [orderId]);
  }

  findByOrder(orderId: string): Promise<ShippingUpload | null> {
    return this.dataSource.getRepository(ShippingUpload).findOneBy({ orderId });
  }

  /** Pending uploads that are due and not leased (or whose lease ran out), oldest due first. */
  async findDue(limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await this.dataSource.query(
      `SELECT order_id FROM shipping_uploads
       WHERE state = 'pending' AND next_attempt_at <= NOW(3) AND (lease_until IS NULL OR lease_until < NOW(3))
       ORDER BY next_attempt_at LIMIT ?`,
      [limit],
    );
    return rows.map((row) => row.order_id);
  }

  /** Takes a due row for `leaseSeconds` and counts the attempt; the attempt's number, or null if another replica has it. */
  async claim(orderId: string, leaseToken: string, leaseSeconds: number): Promise<number | null> {
    const result = await this.dataSource.query<WriteResult>(
      `UPDATE shipping_uploads SET lease_token = ?, lease_until = DATE_ADD(NOW(3), INTERVAL ? SECOND), attempts = attempts + 1
       WHERE order_id = ? AND state = 'pending' AND next_attempt_at <= NOW(3) AND (lease_until IS NULL OR lease_until < NOW(3))`,
      [leaseToken, leaseSeconds, orderId],
    );
    if (result.affectedRows !== 1) return null;
    const rows: { attempts: number }[] = await this.dataSource.query('SELECT attempts FROM shipping_uploads WHERE order_id = ? AND lease_token = ?', [
      orderId,
      leaseToken,
    ]);
    return rows.length ? Number(rows[0].attempts) : null;
  }

  /** WeChat holds the shipping information: the row and the order say so, together. False if the lease was lost. */
  markSynced(orderId: string, leaseToken: string): Promise<boolean> {
    return this.finish(orderId, leaseToken, 'synced', null);
  }

  /** Given up: a permanent refusal or the last attempt failed. False if the lease was lost. */
  markFailed(orderId: string, leaseToken: string, error: string): Promise<boolean> {
    return this.finish(orderId, leaseToken, 'failed', error);
  }

  /** Releases the lease and makes the row due again in `delaySeconds`. */
  async retryLater(orderId: string, leaseToken: string, delaySeconds: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE shipping_uploads SET next_attempt_at = DATE_ADD(NOW(3), INTERVAL ? SECOND), lease_token = NULL, lease_until = NULL, last_error = ?
       WHERE order_id = ? AND lease_token = ? AND state = 'pending'`,
      [delaySeconds, error.slice(0, 255), orderId, leaseToken],
    );
  }

  /** How many uploads are pending and failed, for the gauge. */
  async countByState(): Promise<Record<'pending' | 'failed', number>> {
    const rows: { state: ShippingUploadState; count: string | number }[] = await this.dataSource.query(
      `SELECT state, COUNT(*) AS count FROM shipping_uploads WHERE state IN ('pending', 'failed') GROUP BY state`,
    );
    const counts = { pending: 0, failed: 0 };
    for (const row of rows) if (row.state === 'pending' || row.state === 'failed') counts[row.state] = Number(row.count);
    return counts;
  }

  private finish(orderId: string, leaseToken: string, state: 'synced' | 'failed', error: string | null): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.query<WriteResult>(
        `UPDATE shipping_uploads SET state = ?, synced_at = IF(? = 'synced', NOW(3), NULL), last_error = ?, lease_token = NULL, lease_until = NULL
         WHERE order_id = ? AND lease_token = ? AND state = 'pending'`,
        [state, state, error?.slice(0, 255) ?? null, orderId, leaseToken],
      );
      if (result.affectedRows !== 1) return false;
      await manager.query('UPDATE orders SET wechat_sync = ? WHERE id = ?', [state, orderId]);
      return true;
    });
  }
}
