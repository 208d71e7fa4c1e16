import { EventPattern, Payload } from '@nestjs/microservices';
import { WECHAT_PUSH_EVENTS } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { OrderSettlementService } from '../services/order-settlement.service';
import type { OrderSettlementPush } from '../services/order-settlement.service';

/** WeChat's server push events that concern orders, as auth's push receiver publishes them (one orders replica handles each). */
@BusHandler()
export class WechatSettlementHandler {
  constructor(private readonly settlement: OrderSettlementService) {}

  @EventPattern(WECHAT_PUSH_EVENTS.orderSettlement)
  async settled(@Payload() push: OrderSettlementPush): Promise<void> {
    await this.settlement.settle(push);
  }
}
