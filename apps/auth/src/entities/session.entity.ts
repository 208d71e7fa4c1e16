import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from '#libs/database';

/** One signed-in device or browser: the thing a logout revokes, for users and staff alike. */
@Entity({ name: 'sessions' })
@Index('idx_sessions_subject', ['subjectKind', 'subjectId'])
export class Session {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'subject_kind', type: 'varchar', length: 8 })
  subjectKind: 'user' | 'staff';

  @Column({ name: 'subject_id', type: 'char', length: 26 })
  subjectId: string;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
