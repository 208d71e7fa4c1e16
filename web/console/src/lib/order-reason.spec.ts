import { zhCn } from '../i18n/zh-CN';
import { orderReasonText } from './order-reason';

const reasons: Record<string, string> = zhCn.orders.reasons;
const t = (key: string) => reasons[key.replace('orders.reasons.', '')];
const has = (key: string) => key.replace('orders.reasons.', '') in reasons;

describe('order history reasons in words', () => {
  it.each([
    ['payment_notification', '微信支付通知'],
    ['staff_ship', '员工发货'],
    ['staff_refund', '员工退款'],
    ['staff_refund:缺货', '员工退款：缺货'],
    ['staff_refund:a:b', '员工退款：a:b'],
    ['after_sale_requested:01JAFTERSALE00000000000000', '用户申请售后'],
    ['wechat_receipt_confirmed:auto', '用户在微信确认收货'],
    ['something_new', 'something_new'],
    ['新的原因', '新的原因'],
  ])('shows %j as %j', (reason, text) => {
    expect(orderReasonText(reason, t, has)).toBe(text);
  });
});
