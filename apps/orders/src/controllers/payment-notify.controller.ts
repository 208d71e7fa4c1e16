import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '#libs/auth';
import { KeepRawBody } from '../orders-fastify';
import type { RawBodyRequest } from '../orders-fastify';
import { PaymentNotificationService } from '../services/payment-notification.service';

/** WeChat Pay's notifications: no token (WeChat Pay signs them instead), never throttled (WeChat Pay retries are normal). */
@Controller('api/orders/payments/wechat')
export class PaymentNotifyController {
  constructor(private readonly notifications: PaymentNotificationService) {}

  @Public()
  @SkipThrottle({ default: true, sensitive: true })
  @Post('notify')
  @KeepRawBody()
  @HttpCode(204)
  notify(@Req() request: RawBodyRequest): Promise<void> {
    return this.notifications.handleNotification(request.headers, request.rawBody, String(request.id));
  }
}
