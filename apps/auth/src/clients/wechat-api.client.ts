import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { AuthEnv } from '../config/auth-env';
import { BAD_CODE_ERRCODES, WechatApiError, WechatHttpClient, WechatServerApi } from '#libs/wechat';

/** jscode2session's answer. */
export interface WechatSession {
  openid: string;
  session_key: string;
  unionid?: string;
}

/** A phone number as getuserphonenumber returns it. */
export interface WechatPhone {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/** The WeChat server APIs the auth service calls. */
@Injectable()
export class WechatApiClient {
  private readonly logger = new Logger(WechatApiClient.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly http: WechatHttpClient,
    private readonly serverApi: WechatServerApi,
  ) {}

  /** Exchanges a wx.login code; a wrong or used code is WECHAT_CODE_INVALID. */
  async codeToSession(code: string): Promise<WechatSession> {
    try {
      return await this.http.get<WechatSession>('jscode2session', '/sns/jscode2session', {
        appid: this.config.WECHAT_APP_ID,
        secret: this.config.WECHAT_APP_SECRET,
        js_code: code,
        grant_type: 'authorization_code',
      });
    } catch (error) {
      throw this.translate(error, 'WECHAT_CODE_INVALID', 'The login code is invalid or already used; call wx.login again');
    }
  }

  /** Exchanges a phone-number button code; a wrong or used code is PHONE_CODE_INVALID. */
  async phoneNumber(code: string): Promise<WechatPhone> {
    try {
      const reply = await this.serverApi.post<{ phone_info: WechatPhone }>('getuserphonenumber', '/wxa/business/getuserphonenumber', { code });
      return reply.phone_info;
    } catch (error) {
      throw this.translate(error, 'PHONE_CODE_INVALID', 'The phone number code is invalid or already used');
    }
  }

  private translate(error: unknown, badCode: 'WECHAT_CODE_INVALID' | 'PHONE_CODE_INVALID', message: string): Error {
    if (!(error instanceof WechatApiError)) return error as Error;
    if (BAD_CODE_ERRCODES.has(error.errcode)) return new AppError(badCode, message);
    this.logger.error({ msg: 'WeChat API refused a call', api: error.api, errcode: error.errcode, errmsg: error.errmsg });
    return new AppError('WECHAT_UNAVAILABLE', 'WeChat refused the request, try again later');
  }
}
