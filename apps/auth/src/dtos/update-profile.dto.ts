import { IsString, Length, Matches } from 'class-validator';
import { ID_PATTERN, IsUserText, Optional, OptionalOrNull } from '#libs/contracts';

/** PATCH /api/auth/me */
export class UpdateProfileDto {
  /** May be left out, but not null: there is no "no nickname" to set. */
  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 32)
  nickname?: string;

  /** An upload id, or null to remove the avatar. */
  @OptionalOrNull()
  @Matches(ID_PATTERN, { message: 'avatarUploadId must be an upload id' })
  avatarUploadId?: string | null;
}
