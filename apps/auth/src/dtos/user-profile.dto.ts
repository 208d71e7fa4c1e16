import { User } from '../entities/user.entity';

/** A user as the user themself sees it (openid, unionid and session_key stay on the server). */
export class UserProfileDto {
  id: string;

  /** @example "小明" */
  nickname: string | null;

  /** An upload id (GET /api/uploads/:id/content shows it), or null. */
  avatarUploadId: string | null;

  /**
   * The bound phone number without its country code, or null until POST /api/auth/phone.
   * @example "13800138000"
   */
  phone: string | null;

  /** @example "2025-01-31T08:00:00.000Z" */
  createdAt: string;

  static from(user: User): UserProfileDto {
    return {
      id: user.id,
      nickname: user.nickname,
      avatarUploadId: user.avatarUploadId,
      phone: user.phone,
      createdAt: user.createdAt.toISOString(),
    };
  }
}
