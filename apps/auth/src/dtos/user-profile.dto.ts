import { User } from '../entities/user.entity';

/** A user as the user themself sees it (openid, unionid and session_key stay on the server). */
export class UserProfileDto {
  id: string;
  nickname: string | null;
  avatarUploadId: string | null;
  phone: string | null;
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
