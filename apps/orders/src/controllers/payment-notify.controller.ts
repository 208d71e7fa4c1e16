import { applyDecorators, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiNoContentResponse } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiErrors } from '#libs/api-docs';
import { Public } from '#libs/auth';
import { WechatPayNotificationDto } from '../dtos/wechat-pay-notification.dto';
import { KeepRawBody } from '../orders-fastify';
import type { RawBodyRequest } from '../orders-fastify';
import { PaymentNotificationService } from '../services/payment-notification.service';

/** The headers WeChat Pay signs its notifications with (APIv3). */
const ApiWechatpaySignatureHeaders = () =>
  applyDecorators(
    ApiHeader({ name: 'Wechatpay-Timestamp', required: true, description: 'Seconds since the epoch; refused when more than 300 s from our clock.' }),
    ApiHeader({ name: 'Wechatpay-Nonce', required: true, description: 'The nonce of the signature.' }),
    ApiHeader({
      name: 'Wechatpay-Signature',
      required: true,
      description: 'Base64 RSA-SHA256 over `Wechatpay-Timestamp\\nWechatpay-Nonce\\n<the exact body>\\n`.',
    }),
    ApiHeader({
      name: 'Wechatpay-Serial',
      required: true,
      description: 'Which key signed: the WeChat Pay public key id (`PUB_KEY_ID_...`) or a platform certificate serial.',
    }),
  );

/** WeChat Pay's notifications: no token (WeChat Pay signs them instead), never throttled (WeChat Pay retries are normal). */
@Controller('api/orders/payments/wechat')
export class PaymentNotifyController {
  constructor(private readonly notifications: PaymentNotificationService) {}

  /** Takes in a WeChat Pay payment or refund notification (called by WeChat Pay, never by the mini-program). */
  @Public()
  @SkipThrottle({ default: true, sensitive: true })
  @Post('notify')
  @KeepRawBody()
  @HttpCode(204)
  @ApiWechatpaySignatureHeaders()
  @ApiBody({ type: WechatPayNotificationDto, description: 'At most 64 KiB; verified against `Wechatpay-Signature` byte for byte.' })
  @ApiNoContentResponse({ description: 'Verified and applied, or a repeat of a notification already applied: WeChat Pay stops retrying.' })
  @ApiErrors('PAYMENT_SIGNATURE_INVALID', 'PAYMENT_NOTIFICATION_INVALID', 'PAYMENT_UNAVAILABLE')
  notify(@Req() request: RawBodyRequest): Promise<void> {
    return this.notifications.handleNotification(request.headers, request.rawBody, String(request.id));
  }
}
