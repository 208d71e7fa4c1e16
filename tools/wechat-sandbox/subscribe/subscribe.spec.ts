import { AccessTokenStore } from '../access-token.store';
import { SandboxRequest } from '../wechat-api';
import { SubscribeHandler } from './subscribe.handler';
import { DEFAULT_SUBSCRIBE_TEMPLATES, dataProblem } from './subscribe-templates';

const PAID_DATA = {
  character_string1: { value: '20261202000123' },
  thing2: { value: '测试商品' },
  amount3: { value: '¥12.50' },
  time4: { value: '2026年12月2日 15:01' },
};

function request(body: unknown, query: Record<string, string> = {}): SandboxRequest {
  return { method: 'POST', target: '/', query: new URLSearchParams(query), params: {}, headers: {}, body: JSON.stringify(body) };
}

describe('WeChat sandbox: subscribe messages', () => {
  const resets: (() => void)[] = [];
  const state = {
    tokens: new AccessTokenStore(7200_000, Date.now),
    onReset: (listener: () => void) => void resets.push(listener),
    reset: () => resets.forEach((listener) => listener()),
  };
  const pushed: Record<string, unknown>[] = [];
  const handler = new SubscribeHandler(DEFAULT_SUBSCRIBE_TEMPLATES, 'wx-test-app', state, async (event) => void pushed.push(event), Date.now);
  let token: string;

  beforeEach(() => {
    state.reset();
    pushed.length = 0;
    token = state.tokens.issueStable().access_token;
  });

  const send = (body: Record<string, unknown>, accessToken = token) =>
    handler.send(
      request({ touser: 'oalice', template_id: 'order_paid', data: PAID_DATA, page: 'pages/orders/detail?id=1', ...body }, { access_token: accessToken }),
    ).body as { errcode: number; msgid?: number };

  it('sends one message per acceptance, 43101 without one, and pushes the popup event of each acceptance', async () => {
    expect(send({}).errcode).toBe(43101);
    const accepted = await handler.accept(request({ openid: 'oalice', templateId: 'order_paid' }));
    expect(accepted.body).toMatchObject({ accepted: true, unused: 1, pushed: true });
    expect(pushed).toEqual([
      expect.objectContaining({
        Event: 'subscribe_msg_popup_event',
        MsgType: 'event',
        FromUserName: 'oalice',
        List: [{ TemplateId: 'order_paid', SubscribeStatusString: 'accept', PopupScene: '0' }],
      }),
    ]);
    expect(send({ touser: 'obob' }).errcode).toBe(43101);
    expect(send({}).errcode).toBe(0);
    expect(send({}).errcode).toBe(43101);
    const sent = handler.sentMessages(request({}, { openid: 'oalice' })).body as { messages: { templateId: string; data: unknown; page: string }[] };
    expect(sent.messages).toEqual([expect.objectContaining({ templateId: 'order_paid', data: PAID_DATA, page: 'pages/orders/detail?id=1' })]);
    expect((handler.sentMessages(request({}, { openid: 'obob' })).body as { messages: unknown[] }).messages).toEqual([]);
  });

  it('checks touser, template_id and data like WeChat (40003, 40037, 47003) and takes no acceptance then', async () => {
    await handler.accept(request({ openid: 'oalice', templateId: 'order_paid' }));
    expect(send({ touser: 'not an openid!' }).errcode).toBe(40003);
    expect(send({ template_id: 'no_such_template' }).errcode).toBe(40037);
    expect(send({ data: { ...PAID_DATA, thing2: { value: '一二三四五六七八九十一二三四五六七八九十一' } } }).errcode).toBe(47003);
    expect(send({ data: { ...PAID_DATA, amount3: { value: '12 yuan' } } }).errcode).toBe(47003);
    expect(send({ data: { ...PAID_DATA, thing9: { value: 'x' } } }).errcode).toBe(47003);
    expect(send({ miniprogram_state: 'beta' }).errcode).toBe(47003);
    expect(send({}, 'bad-token').errcode).toBe(40001);
    expect(send({}).errcode).toBe(0);
  });

  it('refuses an acceptance of an unknown template or without an openid', async () => {
    expect((await handler.accept(request({ openid: 'oalice', templateId: 'nope' }))).status).toBe(400);
    expect((await handler.accept(request({ templateId: 'order_paid' }))).status).toBe(400);
    expect(pushed).toEqual([]);
  });

  it('grants the acceptance even when the push fails, and says so', async () => {
    const failing = new SubscribeHandler(DEFAULT_SUBSCRIBE_TEMPLATES, 'wx-test-app', state, () => Promise.reject(new Error('push URL down')), Date.now);
    const reply = await failing.accept(request({ openid: 'oalice', templateId: 'order_paid' }));
    expect(reply).toMatchObject({ body: { accepted: true, pushed: false, pushError: 'push URL down' }, result: 'push_failed' });
  });

  it.each([
    ['thing', 'thing1', '二十个字以内的事物', true],
    ['thing over 20', 'thing1', 'x'.repeat(21), false],
    ['character_string', 'character_string1', 'SF1234567890', true],
    ['character_string with CJK', 'character_string1', '顺丰', false],
    ['time', 'time1', '2026年12月2日 15:01', true],
    ['time without a clock', 'time1', '2026年12月2日', false],
    ['amount', 'amount1', '¥100.00', true],
    ['phrase', 'phrase1', '已通过', true],
    ['phrase too long', 'phrase1', '一二三四五六', false],
    ['name', 'name1', '张三', true],
  ])('%s (%s = %s) fits: %s', (_label, key, value, valid) => {
    expect(dataProblem([key], { [key]: { value } }) === undefined).toBe(valid);
  });
});
