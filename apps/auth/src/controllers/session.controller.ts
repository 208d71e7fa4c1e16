import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiErrors } from '#libs/api-docs';
import { CurrentPrincipal, Public } from '#libs/auth';
import type { Principal } from '#libs/auth';
import { SensitiveRoute } from '#libs/throttling';
import { RefreshDto } from '../dtos/refresh.dto';
import { TokenPairDto } from '../dtos/token-pair.dto';
import { SessionService } from '../services/session.service';

@Controller('api/auth')
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  /** Trades a refresh token for a new token pair; the old refresh token stops working, and using it again signs the session out. */
  @Public()
  @SensitiveRoute()
  @Post('refresh')
  @HttpCode(200)
  @ApiErrors('REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED')
  refresh(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** Signs the caller's session out everywhere: its access and refresh tokens stop working. */
  @Post('logout')
  @HttpCode(204)
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.sessions.revoke(principal.sessionId, 'logout');
  }
}
