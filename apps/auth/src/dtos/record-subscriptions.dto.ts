import { IsObject, ValidateBy } from 'class-validator';
import type { SubscribeChoice } from '../services/subscription.service';

const CHOICES = ['accept', 'reject', 'ban', 'filter'];

/** POST /api/auth/subscriptions */
export class RecordSubscriptionsDto {
  /**
   * What `wx.requestSubscribeMessage` returned, template id → choice (its `errMsg` may be left in; it is ignored).
   * Each `accept` allows one message of that template.
   * @example {"order_paid": "accept", "order_shipped": "reject"}
   */
  @IsObject()
  @ValidateBy({
    name: 'isSubscribeResults',
    validator: {
      validate: (value: unknown) => {
        const entries = Object.entries((value ?? {}) as Record<string, unknown>).filter(([key]) => key !== 'errMsg');
        return entries.length >= 1 && entries.length <= 20 && entries.every(([key, choice]) => key.length <= 128 && CHOICES.includes(choice as string));
      },
      defaultMessage: () => 'results must map 1-20 template ids to "accept", "reject", "ban" or "filter"',
    },
  })
  results: Record<string, SubscribeChoice>;
}
