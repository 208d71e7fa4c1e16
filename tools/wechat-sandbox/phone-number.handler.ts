import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from './wechat-api';

const PHONE_CODE = /^phone:(\d+)$/;

/** `POST /wxa/business/getuserphonenumber`: trades a `getPhoneNumber` code for the user's phone number. */
export class PhoneNumberHandler {
  constructor(
    private readonly appId: string,
    private readonly state: SandboxState,
    private readonly now: () => number,
  ) {}

  getUserPhoneNumber(request: SandboxRequest): SandboxReply {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const code = stringField(body, 'code') ?? '';
    const digits = PHONE_CODE.exec(code)?.[1];
    if (!digits || this.state.usedPhoneCodes.has(code)) return wechatError(40029, 'invalid code');
    this.state.usedPhoneCodes.add(code);
    return {
      body: {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: digits,
          purePhoneNumber: digits,
          countryCode: '86',
          watermark: { timestamp: Math.floor(this.now() / 1000), appid: this.appId },
        },
      },
      result: 'ok',
    };
  }
}
