import { PayState } from '../pay/pay-state';
import { SandboxState } from '../sandbox-state';
import { SandboxRoute } from '../wechat-api';
import { ShippingHandler, ShippingSettings } from './shipping.handler';
import { ShippingState } from './shipping-state';

/** The order shipping management APIs (`family: 'wechat'`) for the WeChat Pay sandbox's payments, and their sandbox controls. */
export function buildShippingRoutes(settings: ShippingSettings, state: SandboxState, pay: PayState): SandboxRoute[] {
  const shipping = new ShippingState();
  state.onReset(() => shipping.clear());
  state.stats.listEndpoint('shipping_settlement_push');
  state.stats.listEndpoint('shipping_faults');
  const handler = new ShippingHandler(settings, state, pay, shipping);
  return [
    { family: 'wechat', method: 'POST', path: '/wxa/sec/order/upload_shipping_info', statsName: 'upload_shipping_info', handle: (r) => handler.upload(r) },
    { family: 'wechat', method: 'POST', path: '/wxa/sec/order/get_order', statsName: 'get_order', handle: (r) => handler.getOrder(r) },
    { family: 'sandbox', method: 'POST', path: '/sandbox/shipping/fail-next', handle: (r) => handler.failNext(r) },
    { family: 'sandbox', method: 'POST', path: '/sandbox/shipping/confirm/:transactionId', handle: (r) => handler.confirm(r) },
  ];
}
