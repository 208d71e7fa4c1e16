import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';

/**
 * One "accept" of a subscribe-message template by a user: it allows one message of that template. Recorded by
 * the mini-program's report (`routeAt`) and by WeChat's popup event (`popupAt`); the two reports of one tap
 * make one row. `usedBy` is the message that took it; a message keeps its row across retries.
 */
@Entity({ name: 'subscribe_acceptances' })
export class SubscribeAcceptance {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @Column({ name: 'template_id', type: 'varchar', length: 128 })
  templateId: string;

  @Column({ name: 'route_at', type: 'datetime', precision: 3, nullable: true })
  routeAt: Date | null;

  @Column({ name: 'popup_at', type: 'datetime', precision: 3, nullable: true })
  popupAt: Date | null;

  /** The message key (its job id) that took this acceptance; null while unused. Unique: one acceptance per message. */
  @Column({ name: 'used_by', type: 'varchar', length: 128, nullable: true })
  usedBy: string | null;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  /** When WeChat took the message; set once, so a retried job never sends twice. */
  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  /** When the user turned the template off in WeChat's settings: an unused acceptance no longer counts. */
  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
