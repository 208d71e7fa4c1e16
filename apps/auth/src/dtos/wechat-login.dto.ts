import { IsString, Length } from 'class-validator';

/** POST /api/auth/wechat/login */
export class WechatLoginDto {
  /**
   * The code from wx.login (single use, valid for 5 minutes).
   * @example "0a3Xk7Ga1Qx1aH0uC9Ia1a7Zx23Xk7Gm"
   */
  @IsString()
  @Length(1, 128)
  code: string;
}
