import { EventPattern, Payload } from '@nestjs/microservices';
import { BusHandler } from '#libs/messaging';
import { OrderSettlementService } from '../services/order-settlement.service';
import type { OrderSettlementPush } from '../services/order-settlement.service';

/** The event auth's push receiver publishes for WeChat's `trade_manage_order_settlement` (one orders replica handles each). */
export const TRADE_SETTLEMENT_EVENT = 'wechat.push.trade_manage_order_settlement';

/** WeChat's server push events that concern orders. */
@BusHandler()
export class WechatSettlementHandler {
  constructor(private readonly settlement: OrderSettlementService) {}

  @EventPattern(TRADE_SETTLEMENT_EVENT)
  async settled(@Payload() push: OrderSettlementPush): Promise<void> {
    await this.settlement.settle(push);
  }
}
