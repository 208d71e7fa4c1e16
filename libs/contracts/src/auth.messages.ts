import { IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from './field-rules';
import { ID_PATTERN } from './id-param.dto';

/** Message patterns the auth service answers on the bus. */
export const AUTH_MESSAGES = {
  /** GetUserRequest → UserSummary, or USER_NOT_FOUND. */
  getUser: 'auth.users.get',
  /** GetUserRequest → PayerIdentity, or USER_NOT_FOUND: the openid a WeChat Pay order is placed for (server to server only). */
  getPayer: 'auth.users.payer',
  /** GetAddressRequest → AddressSummary, or ADDRESS_NOT_FOUND (another user's, a deleted or a missing address). */
  getAddress: 'auth.addresses.get',
  /** WechatAccessTokenRequest → WechatAccessTokenReply: the app's WeChat access_token, which only auth can fetch. */
  getWechatAccessToken: 'auth.wechat.access-token',
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

/** Ask auth for one address of a user's address book. */
export class GetAddressRequest {
  @Matches(ID_PATTERN)
  userId: string;

  @Matches(ID_PATTERN)
  addressId: string;
}

/** An address-book entry as other services copy it (orders snapshot it into an order's contact). */
export interface AddressSummary {
  id: string;
  name: string;
  /** An 11-digit mainland mobile number. */
  phone: string;
  province: string;
  city: string;
  district: string;
  /** Street, building and room. */
  detail: string;
  postalCode: string | null;
}

/** Ask auth for the WeChat access_token; `refused` is one WeChat just refused (40001/42001), to be replaced. */
export class WechatAccessTokenRequest {
  @Optional()
  @IsString()
  @MaxLength(512)
  refused?: string;
}

/** The app's WeChat access_token. Server to server only: never logged, never sent to a client. */
export interface WechatAccessTokenReply {
  accessToken: string;
}
