import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ID_PATTERN } from '#libs/contracts';

/** PATCH /api/auth/me */
export class UpdateProfileDto {
  /** May be left out, but not null: there is no "no nickname" to set. */
  @ValidateIf((dto: UpdateProfileDto) => dto.nickname !== undefined)
  @IsString() @Length(1, 32)
  nickname?: string;

  /** An upload id, or null to remove the avatar. */
  @ValidateIf((dto: UpdateProfileDto) => dto.avatarUploadId !== null && dto.avatarUploadId !== undefined)
  @Matches(ID_PATTERN, { message: 'avatarUploadId must be an upload id' })
  avatarUploadId?: string | null;
}
