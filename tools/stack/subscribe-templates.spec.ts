import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { parseSubscribeTemplates } from '../../apps/auth/src/config/subscribe-templates';
import { messageData, MessageValues } from '../../apps/auth/src/services/subscribe-message-content';
import { dataProblem, DEFAULT_SUBSCRIBE_TEMPLATES } from '../wechat-sandbox/subscribe/subscribe-templates';
import { LOCAL_SUBSCRIBE_TEMPLATES } from './subscribe-templates';

/** Values as long and awkward as real ones: long titles, CJK in codes, missing carriers. */
const VALUES: MessageValues = {
  orderId: '01JDZ8Y7Q2M3N4P5R6S7T8V9W0',
  orderNo: '20261202153012345678901234567890123',
  itemTitle: '一款名字非常非常长的商品，长到超过了微信的二十个字的限制',
  itemCount: '3',
  total: 1234567,
  paidAt: '2026-12-02T07:01:00.000Z',
  carrier: null,
  trackingNo: 'SF 1234 5678 顺丰',
  shippedAt: '2026-12-02T08:00:00.000Z',
  reason: '订单超时未支付',
  cancelledAt: '2026-12-02T07:31:00.000Z',
  afterSaleId: '01JDZ8Y7Q2M3N4P5R6S7T8V9W1',
  decision: '已通过',
  refund: 500,
  note: '退款将原路退回',
  decidedAt: '2026-12-02T09:00:00.000Z',
  appointmentId: '01JDZ8Y7Q2M3N4P5R6S7T8V9W2',
  resourceName: '一号理疗室（二楼东侧靠窗的那一间，带独立卫生间）',
  startsAt: '2026-12-03T01:30:00.000Z',
  endsAt: '2026-12-03T02:30:00.000Z',
  contactName: '欧阳一二三四五六七八九',
};

describe('the local stack subscribe templates', () => {
  const { templates, problems } = parseSubscribeTemplates(JSON.stringify(LOCAL_SUBSCRIBE_TEMPLATES));

  it('are a valid WECHAT_SUBSCRIBE_TEMPLATES for every message kind', () => {
    expect(problems).toEqual([]);
    expect(templates.map((template) => template.kind).sort()).toEqual(Object.keys(DEFAULT_SUBSCRIBE_TEMPLATES).sort());
  });

  it.each(Object.keys(LOCAL_SUBSCRIBE_TEMPLATES))('%s: the data auth writes fits the sandbox template of the same id', (kind) => {
    const template = templates.find((candidate) => candidate.kind === kind)!;
    const data = messageData(template, VALUES);
    expect(dataProblem(DEFAULT_SUBSCRIBE_TEMPLATES[template.templateId], data)).toBeUndefined();
  });

  it('are the ones .env.example gives', () => {
    const line = readFileSync(join(findRepoRoot(__dirname), '.env.example'), 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('WECHAT_SUBSCRIBE_TEMPLATES='))!;
    expect(JSON.parse(line.slice(line.indexOf("'") + 1, line.lastIndexOf("'")))).toEqual(LOCAL_SUBSCRIBE_TEMPLATES);
  });

  it('writes times in China time, money in yuan and cuts long text to the limit', () => {
    const paid = messageData(
      templates.find((template) => template.kind === 'order_paid')!,
      VALUES,
    );
    expect(paid.time4.value).toBe('2026年12月2日 15:01');
    expect(paid.amount3.value).toBe('¥12345.67');
    expect([...paid.thing2.value]).toHaveLength(20);
    expect(paid.character_string1.value).toHaveLength(32);
    const shipped = messageData(
      templates.find((template) => template.kind === 'order_shipped')!,
      VALUES,
    );
    expect(shipped.thing3.value).toBe('-');
    expect(shipped.character_string4.value).toBe('SF12345678');
  });
});
