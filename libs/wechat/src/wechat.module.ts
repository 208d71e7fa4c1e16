import { DynamicModule, Module, Type } from '@nestjs/common';
import { BusAccessTokens } from './bus-access-tokens';
import { WECHAT_ACCESS_TOKENS, WechatAccessTokens } from './wechat-access-tokens';
import { WechatContentSecurity } from './wechat-content-security';
import { WechatHttpClient } from './wechat-http.client';
import { WechatMetrics } from './wechat-metrics';
import { WechatServerApi } from './wechat-server-api';

const EXPORTS = [WechatHttpClient, WechatServerApi, WechatContentSecurity, WechatMetrics, WECHAT_ACCESS_TOKENS];

/** WeChat's server API for a service: tokens from auth over the bus, unless `accessTokens` names the service's own source. */
@Module({})
export class WechatModule {
  static forService(accessTokens: Type<WechatAccessTokens> = BusAccessTokens): DynamicModule {
    return {
      module: WechatModule,
      providers: [
        WechatMetrics,
        WechatHttpClient,
        accessTokens,
        { provide: WECHAT_ACCESS_TOKENS, useExisting: accessTokens },
        WechatServerApi,
        WechatContentSecurity,
      ],
      exports: [...EXPORTS, accessTokens],
    };
  }
}
