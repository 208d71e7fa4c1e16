import { Matches } from 'class-validator';
import { ID_PATTERN } from './id-param.dto';

/** Message patterns the auth service answers on the bus. */
export const AUTH_MESSAGES = {
  /** GetUserRequest → UserSummary, or USER_NOT_FOUND. */
  getUser: 'auth.users.get',
  /** GetUserRequest → PayerIdentity, or USER_NOT_FOUND: the openid a WeChat Pay order is placed for (server to server only). */
  getPayer: 'auth.users.payer',
} as const;

/** Ask auth for one user's summary. */
export class GetUserRequest {
  @Matches(ID_PATTERN)
  userId: string;
}

/** What other services may know of a user (for order contacts, staff screens). */
export interface UserSummary {
  id: string;
  nickname: string | null;
  avatarUploadId: string | null;
  phone: string | null;
}

/** Who pays a WeChat Pay order: the user's openid for this mini-program. Never sent to a client. */
export interface PayerIdentity {
  userId: string;
  openid: string;
}
