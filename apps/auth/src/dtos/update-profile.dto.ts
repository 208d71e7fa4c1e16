import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ID_PATTERN } from '#libs/contracts';

/** PATCH /api/auth/me */
export class UpdateProfileDto {
  @IsOptional() @IsString() @Length(1, 32)
  nickname?: string;

  /** An upload id, or null to remove the avatar. */
  @ValidateIf((dto: UpdateProfileDto) => dto.avatarUploadId !== null && dto.avatarUploadId !== undefined)
  @Matches(ID_PATTERN, { message: 'avatarUploadId must be an upload id' })
  avatarUploadId?: string | null;
}
