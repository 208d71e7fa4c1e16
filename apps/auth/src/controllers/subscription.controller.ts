import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiErrors } from '#libs/api-docs';
import { Authenticated, CurrentUserId } from '#libs/auth';
import { RecordSubscriptionsDto } from '../dtos/record-subscriptions.dto';
import { SubscriptionsDto } from '../dtos/subscriptions.dto';
import { SubscriptionService } from '../services/subscription.service';

@Authenticated({ users: true })
@Controller('api/auth/subscriptions')
export class SubscriptionController {
  constructor(private readonly subscriptions: SubscriptionService) {}

  /** The caller's unused acceptances of each subscribe-message template. */
  @Get()
  list(@CurrentUserId() userId: string): Promise<SubscriptionsDto> {
    return this.subscriptions.unused(userId);
  }

  /**
   * Records what `wx.requestSubscribeMessage` returned: each `accept` allows one message of that template (WeChat's
   * popup event for the same tap is not counted again). A template id this mini-program does not use is 400.
   */
  @Post()
  @HttpCode(200)
  @ApiErrors('USER_NOT_FOUND')
  record(@CurrentUserId() userId: string, @Body() body: RecordSubscriptionsDto): Promise<SubscriptionsDto> {
    return this.subscriptions.recordResults(userId, body.results);
  }
}
