import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { QueuesModule } from '#libs/queues';
import { WechatModule } from '#libs/wechat';
import { AUTH_SCHEMA } from './auth-schema';
import { WechatAccessTokenService } from './clients/wechat-access-token.service';
import { WechatApiClient } from './clients/wechat-api.client';
import { AuthEnv } from './config/auth-env';
import { SubscribeTemplateCatalog } from './config/subscribe-template-catalog';
import { AddressController } from './controllers/address.controller';
import { ProfileController } from './controllers/profile.controller';
import { SessionController } from './controllers/session.controller';
import { StaffController } from './controllers/staff.controller';
import { SubscriptionController } from './controllers/subscription.controller';
import { SubscribeMessageScheduler } from './jobs/subscribe-message.scheduler';
import { SubscribeMessageWorker } from './jobs/subscribe-message.worker';
import { WechatLoginController } from './controllers/wechat-login.controller';
import { WechatPushController } from './controllers/wechat-push.controller';
import { AddressLookupHandler } from './messages/address-lookup.handler';
import { OrderEventsHandler } from './messages/order-events.handler';
import { PayerLookupHandler } from './messages/payer-lookup.handler';
import { SubscribePushEventsHandler } from './messages/subscribe-push-events.handler';
import { AuthMetrics } from './metrics/auth.metrics';
import { WechatPushMetrics } from './metrics/wechat-push.metrics';
import { SubscribeMessagesMetrics } from './metrics/subscribe-messages.metrics';
import { UploadEventsHandler } from './messages/upload-events.handler';
import { UserLookupHandler } from './messages/user-lookup.handler';
import { WechatAccessTokenHandler } from './messages/wechat-access-token.handler';
import { AddressRepository } from './repositories/address.repository';
import { SessionRepository } from './repositories/session.repository';
import { StaffAccountRepository } from './repositories/staff-account.repository';
import { SubscribeAcceptanceRepository } from './repositories/subscribe-acceptance.repository';
import { UserRepository } from './repositories/user.repository';
import { AccessTokenSigner } from './services/access-token.signer';
import { AddressBookService } from './services/address-book.service';
import { AdminBootstrapService } from './services/admin-bootstrap.service';
import { PasswordHasher } from './services/password-hasher';
import { ProfileService } from './services/profile.service';
import { SessionService } from './services/session.service';
import { StaffAccountService } from './services/staff-account.service';
import { StaffService } from './services/staff.service';
import { StaffLoginAttemptsService } from './services/staff-login-attempts.service';
import { SubscribeMessageSender } from './services/subscribe-message.sender';
import { SubscriptionService } from './services/subscription.service';
import { WechatLoginService } from './services/wechat-login.service';
import { WechatPushService } from './services/wechat-push.service';

/** The auth service: WeChat login, sessions and tokens, profiles and phone binding, staff accounts. */
@Module({})
export class AuthModule {
  static register(config: AuthEnv): DynamicModule {
    return {
      module: AuthModule,
      imports: [PlatformModule.forService('auth', config, AUTH_SCHEMA), QueuesModule, WechatModule.forService(WechatAccessTokenService)],
      controllers: [
        WechatLoginController,
        WechatPushController,
        SessionController,
        ProfileController,
        StaffController,
        AddressController,
        SubscriptionController,
        SubscribePushEventsHandler,
        OrderEventsHandler,
        UserLookupHandler,
        PayerLookupHandler,
        AddressLookupHandler,
        UploadEventsHandler,
        WechatAccessTokenHandler,
      ],
      providers: [
        AuthMetrics,
        WechatPushMetrics,
        WechatPushService,
        WechatApiClient,
        UserRepository,
        SessionRepository,
        StaffAccountRepository,
        AccessTokenSigner,
        PasswordHasher,
        SessionService,
        WechatLoginService,
        ProfileService,
        StaffAccountService,
        StaffService,
        StaffLoginAttemptsService,
        AdminBootstrapService,
        AddressRepository,
        AddressBookService,
        SubscribeTemplateCatalog,
        SubscribeAcceptanceRepository,
        SubscriptionService,
        SubscribeMessagesMetrics,
        SubscribeMessageScheduler,
        SubscribeMessageSender,
        SubscribeMessageWorker,
      ],
    };
  }
}
