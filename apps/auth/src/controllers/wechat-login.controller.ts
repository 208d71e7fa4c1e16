import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public } from '#libs/auth';
import { SensitiveRoute } from '#libs/throttling';
import { LoginResultDto } from '../dtos/login-result.dto';
import { WechatLoginDto } from '../dtos/wechat-login.dto';
import { WechatLoginService } from '../services/wechat-login.service';

@Controller('api/auth/wechat')
export class WechatLoginController {
  constructor(private readonly login: WechatLoginService) {}

  @Public()
  @SensitiveRoute()
  @Post('login')
  @HttpCode(200)
  wechatLogin(@Body() body: WechatLoginDto): Promise<LoginResultDto> {
    return this.login.login(body.code);
  }
}
