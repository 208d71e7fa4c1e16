import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { RefreshToken } from '../entities/refresh-token.entity';
import { Session } from '../entities/session.entity';

/** A refresh token looked up by its hash, with the session it belongs to. */
export interface RefreshTokenRecord {
  token: RefreshToken;
  session: Session;
}

/** A refresh token to store: only its hash is kept. */
export interface NewRefreshToken {
  tokenHash: string;
  expiresAt: Date;
}

/** Storage of sessions and their refresh tokens. */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Opens a session together with its first refresh token, both or neither. */
  async createWithToken(session: Pick<Session, 'id' | 'subjectKind' | 'subjectId' | 'expiresAt'>, token: NewRefreshToken): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Session, { ...session, revokedAt: null, revokedReason: null });
      await manager.insert(RefreshToken, { ...token, sessionId: session.id, usedAt: null });
    });
  }

  async findToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const token = await this.dataSource.getRepository(RefreshToken).findOneBy({ tokenHash });
    if (!token) return null;
    const session = await this.dataSource.getRepository(Session).findOneBy({ id: token.sessionId });
    return session ? { token, session } : null;
  }

  /**
   * Marks `usedHash` used and stores its successor in one transaction. Returns false when the token had
   * already been used (a concurrent or replayed refresh), in which case nothing is written.
   */
  async rotate(usedHash: string, sessionId: string, next: NewRefreshToken): Promise<boolean> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const result = await manager.update(RefreshToken, { tokenHash: usedHash, usedAt: IsNull() }, { usedAt: new Date() });
      if (result.affected !== 1) return false;
      await manager.insert(RefreshToken, { ...next, sessionId, usedAt: null });
      return true;
    });
  }

  /** Revokes a session that is still live; returns whether this call revoked it. */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(Session)
      .update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected === 1;
  }

  /** Ids of the live sessions of a subject, for revoking them all. */
  async findLiveSessionIds(subjectKind: Session['subjectKind'], subjectId: string): Promise<string[]> {
    const rows = await this.dataSource.getRepository(Session).find({ where: { subjectKind, subjectId, revokedAt: IsNull() }, select: { id: true } });
    return rows.map((row) => row.id);
  }
}
