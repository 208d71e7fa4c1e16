import { TokenPairDto } from './token-pair.dto';
import { UserProfileDto } from './user-profile.dto';

/** Reply to a WeChat login. */
export class LoginResultDto extends TokenPairDto {
  user: UserProfileDto;
}
