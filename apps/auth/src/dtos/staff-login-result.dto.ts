import { StaffAccountDto } from './staff-account.dto';
import { TokenPairDto } from './token-pair.dto';

/** Reply to a staff login. */
export class StaffLoginResultDto extends TokenPairDto {
  staff: StaffAccountDto;
}
