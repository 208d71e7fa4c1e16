import { TokenPair } from '../services/session.service';
import { UserProfileDto } from './user-profile.dto';

/** Reply to a WeChat login. */
export interface LoginResultDto extends TokenPair {
  user: UserProfileDto;
}
