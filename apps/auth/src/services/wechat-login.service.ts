import { Injectable } from '@nestjs/common';
import { WechatApiClient } from '../clients/wechat-api.client';
import { LoginResultDto } from '../dtos/login-result.dto';
import { AuthMetrics } from '../metrics/auth.metrics';
import { UserProfileDto } from '../dtos/user-profile.dto';
import { UserRepository } from '../repositories/user.repository';
import { SessionService } from './session.service';

/** wx.login code → jscode2session → the user (created on first login) → a new session. */
@Injectable()
export class WechatLoginService {
  constructor(
    private readonly wechat: WechatApiClient,
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
    private readonly metrics: AuthMetrics,
  ) {}

  async login(code: string): Promise<LoginResultDto> {
    try {
      const result = await this.openSession(code);
      this.metrics.login('wechat');
      return result;
    } catch (error) {
      this.metrics.login('wechat', error);
      throw error;
    }
  }

  private async openSession(code: string): Promise<LoginResultDto> {
    const session = await this.wechat.codeToSession(code);
    const user = await this.users.upsertByOpenid({ openid: session.openid, unionid: session.unionid ?? null, sessionKey: session.session_key });
    const tokens = await this.sessions.open('user', user.id, []);
    return { ...tokens, user: UserProfileDto.from(user) };
  }
}
