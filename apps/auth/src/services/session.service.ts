import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal, SessionRevocations, StaffRole } from '#libs/auth';
import { APP_CONFIG } from '#libs/config';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { AuthEnv } from '../config/auth-env';
import { TokenPairDto } from '../dtos/token-pair.dto';
import { AuthMetrics } from '../metrics/auth.metrics';
import { SessionRepository } from '../repositories/session.repository';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { AccessTokenSigner } from './access-token.signer';
import { hashRefreshToken, newRefreshToken } from './refresh-token';

/** Sessions: opening them, rotating their refresh tokens, and revoking them everywhere. */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly sessions: SessionRepository,
    private readonly staff: StaffAccountRepository,
    private readonly signer: AccessTokenSigner,
    private readonly revocations: SessionRevocations,
    private readonly metrics: AuthMetrics,
  ) {}

  /** Opens a session for a user or staff account and returns its first token pair. */
  async open(kind: Principal['kind'], subjectId: string, roles: StaffRole[]): Promise<TokenPairDto> {
    const sessionId = newId();
    const refreshToken = newRefreshToken();
    await this.sessions.createWithToken(
      { id: sessionId, subjectKind: kind, subjectId, expiresAt: this.inSeconds(this.config.REFRESH_TOKEN_TTL_SECONDS) },
      { tokenHash: hashRefreshToken(refreshToken), expiresAt: this.inSeconds(this.config.REFRESH_TOKEN_TTL_SECONDS) },
    );
    return this.pair({ kind, id: subjectId, sessionId, roles }, refreshToken);
  }

  /** Trades a refresh token for a new pair; a token presented twice revokes its whole session. */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    try {
      const pair = await this.rotate(refreshToken);
      this.metrics.refresh();
      return pair;
    } catch (error) {
      this.metrics.refresh(error);
      throw error;
    }
  }

  /** Revokes a session for every replica of every service: access tokens are refused within the Redis round trip. */
  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.revocations.revoke(sessionId, this.config.ACCESS_TOKEN_TTL_SECONDS + 60);
    await this.sessions.revoke(sessionId, reason);
    this.metrics.revoked(reason);
  }

  private async rotate(refreshToken: string): Promise<TokenPairDto> {
    const usedHash = hashRefreshToken(refreshToken);
    const record = await this.sessions.findToken(usedHash);
    const now = new Date();
    if (!record || record.token.expiresAt <= now || record.session.expiresAt <= now) {
      throw new AppError('REFRESH_TOKEN_INVALID', 'Refresh token is invalid or expired; log in again');
    }
    const { session, token } = record;
    if (session.revokedAt) throw new AppError('SESSION_REVOKED', 'This session has been signed out; log in again');
    if (token.usedAt) return this.rejectReuse(session.id);

    const roles = await this.currentRoles(session.subjectKind, session.subjectId, session.id);
    const next = newRefreshToken();
    const rotated = await this.sessions.rotate(usedHash, session.id, {
      tokenHash: hashRefreshToken(next),
      expiresAt: this.inSeconds(this.config.REFRESH_TOKEN_TTL_SECONDS),
    });
    if (!rotated) return this.rejectReuse(session.id);
    return this.pair({ kind: session.subjectKind, id: session.subjectId, sessionId: session.id, roles }, next);
  }

  /** Revokes every live session of a subject (a disabled staff account). */
  async revokeAll(kind: Principal['kind'], subjectId: string, reason: string): Promise<void> {
    for (const sessionId of await this.sessions.findLiveSessionIds(kind, subjectId)) await this.revoke(sessionId, reason);
  }

  private async rejectReuse(sessionId: string): Promise<never> {
    this.logger.warn({ msg: 'refresh token reused, session revoked', sessionId });
    await this.revoke(sessionId, 'refresh_token_reuse');
    throw new AppError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session has been signed out');
  }

  private async currentRoles(kind: Principal['kind'], subjectId: string, sessionId: string): Promise<StaffRole[]> {
    if (kind === 'user') return [];
    const account = await this.staff.findById(subjectId);
    if (!account || account.disabledAt) {
      await this.revoke(sessionId, 'account_disabled');
      throw new AppError('SESSION_REVOKED', 'This account is disabled');
    }
    return [account.role];
  }

  private async pair(principal: Principal, refreshToken: string): Promise<TokenPairDto> {
    return { accessToken: await this.signer.sign(principal), refreshToken, expiresIn: this.signer.ttlSeconds };
  }

  private inSeconds(seconds: number): Date {
    return new Date(Date.now() + seconds * 1000);
  }
}
