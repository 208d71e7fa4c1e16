import { IsString, Length } from 'class-validator';

/** POST /api/auth/wechat/login */
export class WechatLoginDto {
  /** The code from wx.login. */
  @IsString()
  @Length(1, 128)
  code: string;
}
