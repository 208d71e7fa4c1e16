import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDuplicateKey, newId, WriteResult } from '#libs/database';
import { SubscribeAcceptance } from '../entities/subscribe-acceptance.entity';

/** Who reported an acceptance: the mini-program (what wx.requestSubscribeMessage returned) or WeChat's popup event. */
export type AcceptanceReporter = 'route' | 'popup';

const COLUMN: Record<AcceptanceReporter, 'route_at' | 'popup_at'> = { route: 'route_at', popup: 'popup_at' };

/** Storage of subscribe-message acceptances; every count and claim is one conditional statement or runs under the user's row lock. */
@Injectable()
export class SubscribeAcceptanceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records one report of an acceptance. The other reporter's report of the same tap (one of its rows without this
   * reporter's mark, reported within `pairWindowMs`) is the same acceptance: the row gets this mark and nothing is
   * added; otherwise a new row. Under the user's row lock, so a route call and an event racing on two replicas pair.
   * False for an unknown user.
   */
  record(userId: string, templateId: string, by: AcceptanceReporter, now: Date, pairWindowMs: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const user: unknown[] = await manager.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [userId]);
      if (user.length === 0) return false;
      const mine = COLUMN[by];
      const other = COLUMN[by === 'route' ? 'popup' : 'route'];
      const from = new Date(now.getTime() - pairWindowMs);
      const to = new Date(now.getTime() + pairWindowMs);
      const paired = await manager.query<WriteResult>(
        `UPDATE subscribe_acceptances SET ${mine} = ? WHERE user_id = ? AND template_id = ? AND ${mine} IS NULL AND ${other} BETWEEN ? AND ? ORDER BY ${other}, id LIMIT 1`,
        [now, userId, templateId, from, to],
      );
      if (paired.affectedRows === 0) {
        await manager.getRepository(SubscribeAcceptance).insert({ id: newId(), userId, templateId, [by === 'route' ? 'routeAt' : 'popupAt']: now });
      }
      return true;
    });
  }

  /**
   * The acceptance message `messageKey` holds: the one it took on an earlier attempt, else the oldest unused one of
   * (user, template), taken in one conditional statement (two messages never take the same one). Null when none is left.
   */
  async take(userId: string, templateId: string, messageKey: string, now: Date): Promise<SubscribeAcceptance | null> {
    const held = await this.heldBy(messageKey);
    if (held) return held;
    try {
      await this.dataSource.query(
        'UPDATE subscribe_acceptances SET used_by = ?, used_at = ? WHERE user_id = ? AND template_id = ? AND used_by IS NULL AND revoked_at IS NULL ORDER BY id LIMIT 1',
        [messageKey, now, userId, templateId],
      );
    } catch (error) {
      // The same message running twice at once: the other run took one, this run reads it.
      if (!isDuplicateKey(error, 'uq_subscribe_acceptances_used_by')) throw error;
    }
    return this.heldBy(messageKey);
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.dataSource.query('UPDATE subscribe_acceptances SET sent_at = ? WHERE id = ?', [now, id]);
  }

  /** Makes an acceptance unused again, unless WeChat already took its message. */
  async giveBack(id: string): Promise<void> {
    await this.dataSource.query('UPDATE subscribe_acceptances SET used_by = NULL, used_at = NULL WHERE id = ? AND sent_at IS NULL', [id]);
  }

  /** The user turned the template off: the unused acceptances no longer allow a message. */
  async revokeUnused(userId: string, templateId: string, now: Date): Promise<number> {
    const result = await this.dataSource.query<WriteResult>(
      'UPDATE subscribe_acceptances SET revoked_at = ? WHERE user_id = ? AND template_id = ? AND used_by IS NULL AND revoked_at IS NULL',
      [now, userId, templateId],
    );
    return result.affectedRows;
  }

  /** Unused acceptances of the user by template id (templates without any are left out). */
  async countUnused(userId: string): Promise<Record<string, number>> {
    const rows: { template_id: string; unused: string | number }[] = await this.dataSource.query(
      'SELECT template_id, COUNT(*) AS unused FROM subscribe_acceptances WHERE user_id = ? AND used_by IS NULL AND revoked_at IS NULL GROUP BY template_id',
      [userId],
    );
    return Object.fromEntries(rows.map((row) => [row.template_id, Number(row.unused)]));
  }

  private heldBy(messageKey: string): Promise<SubscribeAcceptance | null> {
    return this.dataSource.getRepository(SubscribeAcceptance).findOneBy({ usedBy: messageKey });
  }
}
