import { User } from '../entities/user.entity';

/** A user as the user themself sees it (openid, unionid and session_key stay on the server). */
export class UserProfileDto {
  id: string;

  /** @example "小明" */
  nickname: string | null;

  /**
   * The avatar: an upload id (GET /api/uploads/:id/content shows it), or null. Shown here, and to others, only once
   * WeChat's media check has passed the image; until then it is null and the image is `pendingAvatarUploadId`.
   */
  avatarUploadId: string | null;

  /**
   * The avatar chosen but not passed by WeChat's media check yet (show it to its owner as "under review"), or null.
   * An image WeChat finds risky is removed from the profile and never served again.
   */
  pendingAvatarUploadId: string | null;

  /**
   * The bound phone number without its country code, or null until POST /api/auth/phone.
   * @example "13800138000"
   */
  phone: string | null;

  /** @example "2025-01-31T08:00:00.000Z" */
  createdAt: string;

  /** `avatarPending`: the avatar waits for WeChat's media check, so it is not shown yet. */
  static from(user: User, avatarPending = false): UserProfileDto {
    return {
      id: user.id,
      nickname: user.nickname,
      avatarUploadId: avatarPending ? null : user.avatarUploadId,
      pendingAvatarUploadId: avatarPending ? user.avatarUploadId : null,
      phone: user.phone,
      createdAt: user.createdAt.toISOString(),
    };
  }
}
