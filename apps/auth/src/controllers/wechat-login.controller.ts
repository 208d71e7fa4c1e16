import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiErrors } from '#libs/api-docs';
import { Public } from '#libs/auth';
import { SensitiveRoute } from '#libs/throttling';
import { LoginResultDto } from '../dtos/login-result.dto';
import { WechatLoginDto } from '../dtos/wechat-login.dto';
import { WechatLoginService } from '../services/wechat-login.service';

@Controller('api/auth/wechat')
export class WechatLoginController {
  constructor(private readonly login: WechatLoginService) {}

  /** Logs a mini-program user in with a wx.login code (creating the user on first login) and opens a session. */
  @Public()
  @SensitiveRoute()
  @Post('login')
  @HttpCode(200)
  @ApiErrors('WECHAT_CODE_INVALID', 'WECHAT_UNAVAILABLE')
  wechatLogin(@Body() body: WechatLoginDto): Promise<LoginResultDto> {
    return this.login.login(body.code);
  }
}
