import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, Public } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { SensitiveRoute } from '#libs/throttling';
import { RefreshDto } from '../dtos/refresh.dto';
import { SessionService, TokenPair } from '../services/session.service';

@Controller('api/auth')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Public()
  @SensitiveRoute()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.sessions.revoke(principal.sessionId, 'logout');
  }
}
