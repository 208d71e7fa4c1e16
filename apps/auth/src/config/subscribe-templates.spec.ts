import { ConfigError, loadConfig } from '#libs/config';
import { AuthEnv } from './auth-env';
import { parseSubscribeTemplates } from './subscribe-templates';

const PAID = { templateId: 'tpl-paid', page: 'pages/orders/detail?id={orderId}', data: { character_string1: 'orderNo', amount2: 'total', time3: 'paidAt' } };

function problemsOf(config: unknown): string[] {
  return parseSubscribeTemplates(JSON.stringify(config)).problems;
}

describe('WECHAT_SUBSCRIBE_TEMPLATES', () => {
  it('reads a good configuration', () => {
    const { templates, problems } = parseSubscribeTemplates(JSON.stringify({ order_paid: PAID }));
    expect(problems).toEqual([]);
    expect(templates).toEqual([{ kind: 'order_paid', ...PAID }]);
  });

  it.each([
    ['not JSON', '{order_paid:', /not JSON/],
    ['not an object', '[]', /must be a JSON object/],
  ])('refuses %s', (_label, raw, problem) => {
    expect(parseSubscribeTemplates(raw).problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ['an unknown message kind', { order_lost: PAID }, /order_lost: unknown message kind/],
    ['a bad template id', { order_paid: { ...PAID, templateId: 'has space' } }, /order_paid.templateId must be/],
    ['a page with a leading slash', { order_paid: { ...PAID, page: '/pages/x' } }, /order_paid.page must be/],
    [
      'a page naming a value the message lacks',
      { order_paid: { ...PAID, page: 'pages/x?id={appointmentId}' } },
      /\{appointmentId\} is not a value of order_paid/,
    ],
    ['a keyword WeChat does not have', { order_paid: { ...PAID, data: { colour1: 'orderNo' } } }, /data.colour1: not a WeChat keyword/],
    ['a value the message lacks', { order_paid: { ...PAID, data: { thing1: 'carrier' } } }, /data.thing1: "carrier" is not a value of order_paid/],
    [
      'a keyword that cannot show its value',
      { order_paid: { ...PAID, data: { amount1: 'orderNo' } } },
      /an amount keyword cannot show orderNo|a amount keyword cannot show orderNo/,
    ],
    ['a time in a character_string', { order_paid: { ...PAID, data: { character_string1: 'paidAt' } } }, /character_string keyword cannot show paidAt/],
    ['no keywords', { order_paid: { ...PAID, data: {} } }, /data must be an object of 1-20 keywords/],
    ['an unknown field', { order_paid: { ...PAID, lang: 'en' } }, /order_paid.lang: unknown field/],
    ['one template id for two kinds', { order_paid: PAID, order_cancelled: { ...PAID, data: { thing1: 'reason' } } }, /"tpl-paid" is used by more than one/],
  ])('refuses %s, naming it', (_label, config, problem) => {
    expect(problemsOf(config)).toContainEqual(expect.stringMatching(problem));
  });

  it('stops the service at start with the problem named', () => {
    const env = {
      PORT: '3101',
      DATABASE_URL: 'mysql://auth:pw@127.0.0.1:3306/auth',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      NATS_URL: 'nats://127.0.0.1:4222',
      JWT_PUBLIC_KEYS: '{"keys":[]}',
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGZha2Uta2V5LWZvci1jb25maWctdGVzdHMtb25seQ==\n-----END PRIVATE KEY-----',
      JWT_KEY_ID: 'key-1',
      WECHAT_APP_ID: 'wx-app',
      WECHAT_APP_SECRET: 'secret',
    };
    expect(loadConfig(AuthEnv, env).WECHAT_SUBSCRIBE_TEMPLATES).toBe('{}');
    expect(loadConfig(AuthEnv, { ...env, WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify({ order_paid: PAID }) }).WECHAT_SUBSCRIBE_TEMPLATES).toContain('tpl-paid');
    const bad = { ...env, WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify({ order_paid: { ...PAID, data: { thing1: 'nothing' } } }) };
    expect(() => loadConfig(AuthEnv, bad)).toThrow(ConfigError);
    expect(() => loadConfig(AuthEnv, bad)).toThrow(/WECHAT_SUBSCRIBE_TEMPLATES.order_paid.data.thing1: "nothing" is not a value of order_paid/);
  });
});
