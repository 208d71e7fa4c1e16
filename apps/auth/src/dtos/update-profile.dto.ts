import { Matches } from 'class-validator';
import { ID_PATTERN, Optional, OptionalOrNull, UserText } from '#libs/contracts';

/** PATCH /api/auth/me */
export class UpdateProfileDto {
  /**
   * Checked by WeChat's content security (CONTENT_REJECTED when refused). May be left out, but not null: there is no "no nickname" to set.
   * @example "小明"
   */
  @Optional()
  @UserText({ max: 32 })
  nickname?: string;

  /**
   * An image you uploaded (POST /api/uploads), or null to remove the avatar. The image goes through WeChat's media
   * check: the profile shows it as `pendingAvatarUploadId` (to you only) until WeChat passes it, then as
   * `avatarUploadId` (to everyone); one WeChat finds risky is removed and never served again (422 CONTENT_REJECTED
   * if it was already found risky).
   */
  @OptionalOrNull()
  @Matches(ID_PATTERN, { message: 'avatarUploadId must be an upload id' })
  avatarUploadId?: string | null;
}
