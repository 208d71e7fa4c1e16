import type { OrderItem } from '../entities/order-item.entity';
import type { Order } from '../entities/order.entity';
import { deliveryIdOf, itemDescription, maskPhone, orderKeyOf, paidWithWechatPay, rfc3339InChina, shippingInfoBody } from './shipping-info';

const item = (overrides: Partial<OrderItem> = {}) => ({ productTitle: '西湖龙井', skuName: '250g', quantity: 2, ...overrides }) as OrderItem;
const order = (overrides: Partial<Order> = {}) =>
  ({
    orderNo: '2026120200000000000001',
    transactionId: '4200000000202612020000000001',
    prepayId: 'wx1',
    paidAt: new Date(),
    logisticsType: 'express',
    carrier: '顺丰速运',
    trackingNo: 'SF1234567890',
    contactPhone: '13800138000',
    shippedAt: new Date('2026-12-02T05:29:35.120Z'),
    ...overrides,
  }) as Order;

describe('shipping information for WeChat (upload_shipping_info)', () => {
  it('finds the payment by transaction_id, else by mchid + out_trade_no, else not at all', () => {
    expect(orderKeyOf(order(), '1900000001')).toEqual({ order_number_type: 2, transaction_id: '4200000000202612020000000001' });
    expect(orderKeyOf(order({ transactionId: null }), '1900000001')).toEqual({
      order_number_type: 1,
      mchid: '1900000001',
      out_trade_no: '2026120200000000000001',
    });
    expect(orderKeyOf(order({ transactionId: null }), undefined)).toBeUndefined();
  });

  it('uploads only orders paid with WeChat Pay', () => {
    expect(paidWithWechatPay(order())).toBe(true);
    expect(paidWithWechatPay(order({ transactionId: null }))).toBe(true);
    expect(paidWithWechatPay(order({ transactionId: null, prepayId: null }))).toBe(false);
    expect(paidWithWechatPay(order({ paidAt: null }))).toBe(false);
  });

  it('sends express with its delivery id, tracking number and a masked contact; other types with the goods only', () => {
    const key = orderKeyOf(order(), undefined)!;
    expect(shippingInfoBody(order(), [item()], key, 'o-buyer')).toEqual({
      order_key: key,
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '西湖龙井 250g*2', contact: { receiver_contact: '138****8000' } }],
      upload_time: '2026-12-02T13:29:35.120+08:00',
      payer: { openid: 'o-buyer' },
    });
    const types = (['same_city', 'virtual', 'self_pickup'] as const).map(
      (logisticsType) => shippingInfoBody(order({ logisticsType }), [item()], key, 'o').logistics_type,
    );
    expect(types).toEqual([2, 3, 4]);
    expect(shippingInfoBody(order({ logisticsType: 'self_pickup' }), [item()], key, 'o').shipping_list).toEqual([{ item_desc: '西湖龙井 250g*2' }]);
  });

  it('names carriers by their WeChat delivery id, summarises the goods within 120 characters, masks phones', () => {
    expect([deliveryIdOf('中通快递'), deliveryIdOf('sf express'), deliveryIdOf('YTO'), deliveryIdOf('某某物流')]).toEqual(['ZTO', 'SF', 'YTO', '某某物流']);
    expect(itemDescription([item(), item({ quantity: 3 })])).toBe('西湖龙井 250g*2 等5件');
    expect([...itemDescription([item({ productTitle: '茶'.repeat(200) })])]).toHaveLength(120);
    expect([maskPhone('13800138000'), maskPhone('+86 138-0013-8000'), maskPhone('0571-8888')]).toEqual(['138****8000', '861******8000', '****8888']);
    expect(rfc3339InChina(new Date('2026-12-31T20:00:00.000Z'))).toBe('2027-01-01T04:00:00.000+08:00');
  });
});
