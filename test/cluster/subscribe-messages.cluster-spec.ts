import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { Job, Queue } from 'bullmq';
import { firstValueFrom } from 'rxjs';
import { ORDER_EVENTS, OrderPaidEvent } from '#libs/contracts';
import { requestJson } from '#libs/testing';
import { NotifyRelay } from '../../apps/orders/test/notify-relay';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { LOCAL_SUBSCRIBE_TEMPLATES } from '../../tools/stack/subscribe-templates';
import { createTestCluster, queryDatabase, signClusterToken } from './cluster-fixture';

const eventually = async (check: () => Promise<boolean>, timeoutMs = 30000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

interface SentMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
}

describe('subscribe messages: 2 auth replicas and orders behind the real HAProxy, sent to the WeChat sandbox', () => {
  let cluster: LocalCluster;
  let bus: ClientProxy;
  let queue: Queue;
  let staffToken: string;
  const relay = new NotifyRelay();
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const sandbox = (path: string, body?: unknown) =>
    requestJson(`${cluster.sandboxUrl}${path}`, body === undefined ? {} : { method: 'POST', body: body as Record<string, unknown> });
  const sent = async (openid: string) => (await sandbox(`/sandbox/subscribe/sent?openid=${openid}`)).body.messages as SentMessage[];
  const sendCalls = async () => ((await sandbox('/sandbox/stats')).body.subscribe_send ?? {}) as Record<string, number>;
  /** wechat_subscribe_messages_total{template, result} summed over the auth replicas. */
  const counted = async (template: string, result: string) => {
    let total = 0;
    for (const replica of cluster.replicas.values()) {
      if (replica.service !== 'auth') continue;
      const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
      for (const line of text.split('\n')) {
        if (line.startsWith('wechat_subscribe_messages_total{') && line.includes(`template="${template}"`) && line.includes(`result="${result}"`)) {
          total += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return total;
  };
  const job = (id: string) => queue.getJob(id) as Promise<Job | undefined>;
  const finished = (id: string) => eventually(async () => ['completed', 'failed'].includes(String(await (await job(id))?.getState())));

  const login = async (name: string) => {
    const reply = await requestJson(api('/api/auth/wechat/login'), { body: { code: `cluster:${name}` } });
    expect(reply.status).toBe(200);
    return { token: reply.body.accessToken as string, openid: `o${name}`, userId: reply.body.user.id as string };
  };
  const accept = (token: string, results: Record<string, string>) => requestJson(api('/api/auth/subscriptions'), { token, body: { results } });
  /** The user taps "accept" in WeChat's popup (the sandbox records it and pushes the popup event) and the mini-program reports it. */
  const tap = async (user: { token: string; openid: string }, templateIds: string[]) => {
    for (const templateId of templateIds)
      expect((await sandbox('/sandbox/subscribe/accept', { openid: user.openid, templateId })).body).toMatchObject({ accepted: true });
    const reply = await accept(user.token, Object.fromEntries(templateIds.map((templateId) => [templateId, 'accept'])));
    expect(reply.status).toBe(200);
    return reply.body.unused as Record<string, number>;
  };
  const unused = async (token: string) => (await requestJson(api('/api/auth/subscriptions'), { token })).body.unused as Record<string, number>;

  /** An order of one unit with its WeChat Pay prepay made; `pay()` plays the user paying in the sandbox. */
  const unpaidOrder = async (token: string, title: string) => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Subscribe ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title, images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen: 1250, stock: 100 }] },
    });
    expect(product.status).toBe(201);
    const placed = await requestJson(api('/api/orders'), {
      token,
      body: { items: [{ skuId: product.body.skus[0].id, quantity: 1 }], contact: { name: 'Buyer', phone: '13800138000' } },
      headers: { 'idempotency-key': `subscribe-${Date.now()}-${Math.random()}` },
    });
    expect(placed.status).toBe(201);
    const params = await requestJson(api(`/api/orders/${placed.body.id}/pay`), { method: 'POST', token });
    expect(params.status).toBe(200);
    const pay = async () => {
      await fetch(`${cluster.sandboxUrl}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
      await eventually(async () => (await requestJson(api(`/api/orders/${placed.body.id}`), { token })).body.status === 'paid');
    };
    return { ...(placed.body as { id: string; orderNo: string }), pay };
  };
  /** An order paid through the sandbox (its notification back through the relay and HAProxy). */
  const paidOrder = async (token: string, title: string) => {
    const order = await unpaidOrder(token, title);
    await order.pay();
    return order;
  };

  beforeAll(async () => {
    await relay.start();
    // after_sale_decided gets a keyword the sandbox's template lacks (WeChat answers 47003); orders expire in 30 s.
    const templates = {
      ...LOCAL_SUBSCRIBE_TEMPLATES,
      after_sale_decided: { ...LOCAL_SUBSCRIBE_TEMPLATES.after_sale_decided, data: { ...LOCAL_SUBSCRIBE_TEMPLATES.after_sale_decided.data, thing9: 'note' } },
    };
    cluster = createTestCluster(
      { auth: 2, catalog: 1, orders: 1 },
      {
        WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify`,
        WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify(templates),
        ORDER_PAYMENT_TTL_SECONDS: '30',
      },
    );
    await cluster.start();
    relay.target = cluster.publicUrl;
    bus = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [cluster.busUrl] } });
    await bus.connect();
    queue = new Queue('subscribe-messages', { connection: { url: cluster.options.redisUrl }, prefix: `${cluster.options.redisPrefix}auth:bull` });
    staffToken = await signClusterToken(cluster, {
      subject: '01CLUSTERSTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 180000);
  afterAll(async () => {
    await queue?.close();
    await bus?.close();
    await cluster?.stop();
    await relay.stop();
  }, 60000);

  it('a paid order sends one message to a user who accepted once, none to one who did not, and a second payment-side event sends nothing more', async () => {
    const alice = await login('sub-alice');
    const bob = await login('sub-bob');
    await sandbox('/sandbox/subscribe/accept', { openid: alice.openid, templateId: 'order_paid' });
    expect((await accept(alice.token, { order_paid: 'accept', order_shipped: 'reject', errMsg: 'requestSubscribeMessage:ok' })).body.unused).toMatchObject({
      order_paid: 1,
      order_shipped: 0,
    });
    const before = await sendCalls();

    const aliceOrder = await paidOrder(alice.token, '云南普洱茶饼（357克，二〇二〇年春茶，古树纯料）');
    const bobOrder = await paidOrder(bob.token, 'Tea');
    await eventually(async () => (await sent(alice.openid)).length === 1);
    await finished(`order_paid.${bobOrder.id}`);
    const [message] = await sent(alice.openid);
    expect(message).toMatchObject({ templateId: 'order_paid', page: `pages/orders/detail?id=${aliceOrder.id}` });
    expect(message.data).toMatchObject({ character_string1: { value: aliceOrder.orderNo }, amount3: { value: '¥12.50' } });
    expect([...message.data.thing2.value]).toHaveLength(20);
    expect(await sent(bob.openid)).toEqual([]);
    // Bob had no acceptance: skipped without asking WeChat.
    expect((await sendCalls()).ok ?? 0).toBe((before.ok ?? 0) + 1);
    expect((await sendCalls())['43101'] ?? 0).toBe(before['43101'] ?? 0);
    expect(await unused(alice.token)).toMatchObject({ order_paid: 0 });
    expect([await counted('order_paid', 'sent'), await counted('order_paid', 'skipped')]).toEqual([1, 1]);

    // Alice accepts again; the pay notification is delivered again and the paid event is published once more by hand.
    await tap(alice, ['order_paid']);
    const notification = relay.received.find((entry) => entry.body.length > 0)!;
    expect(await relay.replay(notification)).toBeLessThan(300);
    for (const entry of relay.received) await relay.replay(entry);
    const event: OrderPaidEvent = {
      orderId: aliceOrder.id,
      orderNo: aliceOrder.orderNo,
      userId: alice.userId,
      itemTitle: 'again',
      itemCount: 1,
      totalFen: 1250,
      paidAt: new Date().toISOString(),
    };
    await firstValueFrom(bus.emit(ORDER_EVENTS.paid, event), { defaultValue: undefined });
    // A later message proves the repeats were handled before it: had they sent, it would find no acceptance left.
    const second = await paidOrder(alice.token, 'Second tea');
    await eventually(async () => (await sent(alice.openid)).length === 2);
    await finished(`order_paid.${second.id}`);
    expect((await sent(alice.openid)).map((sentMessage) => sentMessage.page)).toEqual([
      `pages/orders/detail?id=${aliceOrder.id}`,
      `pages/orders/detail?id=${second.id}`,
    ]);
  }, 90000);

  it('the sandbox popup event and the route for the same tap count once', async () => {
    const carol = await login('sub-carol');
    const popup = await sandbox('/sandbox/subscribe/accept', { openid: carol.openid, templateId: 'order_cancelled' });
    expect(popup.body).toMatchObject({ accepted: true, pushed: true });
    expect((await accept(carol.token, { order_cancelled: 'accept' })).body.unused).toMatchObject({ order_cancelled: 1 });
    await eventually(async () => {
      const rows = await queryDatabase<{ route_at: Date | null; popup_at: Date | null }>(
        cluster.databaseUrl('auth'),
        "SELECT route_at, popup_at FROM subscribe_acceptances WHERE user_id = ? AND template_id = 'order_cancelled'",
        [carol.userId],
      );
      return rows.length === 1 && rows[0].route_at !== null && rows[0].popup_at !== null;
    });
    expect(await unused(carol.token)).toMatchObject({ order_cancelled: 1 });
    // The route first and the event after pair as well; a second tap is a second acceptance. (Another user: the push
    // receiver takes two events of one user in the same second for one delivery, as WeChat's retries look.)
    const frank = await login('sub-frank');
    await accept(frank.token, { order_cancelled: 'accept' });
    await sandbox('/sandbox/subscribe/accept', { openid: frank.openid, templateId: 'order_cancelled' });
    const rows = () =>
      queryDatabase<{ route_at: Date | null; popup_at: Date | null }>(
        cluster.databaseUrl('auth'),
        "SELECT route_at, popup_at FROM subscribe_acceptances WHERE user_id = ? AND template_id = 'order_cancelled' ORDER BY id",
        [frank.userId],
      );
    await eventually(async () => (await rows()).length === 1 && (await rows())[0].popup_at !== null);
    expect((await rows())[0].route_at).not.toBeNull();
    expect(await unused(frank.token)).toMatchObject({ order_cancelled: 1 });
    await accept(frank.token, { order_cancelled: 'accept' });
    expect(await unused(frank.token)).toMatchObject({ order_cancelled: 2 });
    expect((await accept(carol.token, { not_a_template: 'accept' })).status).toBe(400);
    expect((await accept(carol.token, { order_cancelled: 'maybe' })).status).toBe(400);
    expect(await unused(carol.token)).toMatchObject({ order_cancelled: 1 });

    // Carol turns the template off in WeChat's settings: her unused acceptance no longer counts.
    const change = await sandbox('/sandbox/push', {
      FromUserName: carol.openid,
      Event: 'subscribe_msg_change_event',
      List: [{ TemplateId: 'order_cancelled', SubscribeStatusString: 'reject' }],
    });
    expect(change.body).toMatchObject({ delivered: true });
    await eventually(async () => (await unused(carol.token)).order_cancelled === 0);
  }, 60000);

  it('a shipped order sends order_shipped with its carrier and tracking number', async () => {
    const george = await login('sub-george');
    await tap(george, ['order_shipped']);
    const order = await paidOrder(george.token, 'Shipped tea');
    const shipped = await requestJson(api(`/api/orders/admin/${order.id}/ship`), {
      token: staffToken,
      body: { logisticsType: 'express', carrier: '顺丰速运', trackingNo: 'SF1234567890' },
    });
    expect(shipped.status).toBe(200);
    await eventually(async () => (await sent(george.openid)).length === 1);
    expect((await sent(george.openid))[0]).toMatchObject({
      templateId: 'order_shipped',
      page: `pages/orders/detail?id=${order.id}`,
      data: {
        character_string1: { value: order.orderNo },
        thing2: { value: 'Shipped tea' },
        thing3: { value: '顺丰速运' },
        character_string4: { value: 'SF1234567890' },
      },
    });
  }, 60000);

  it('an after-sale decision whose data WeChat refuses (47003) is not retried and gives its acceptance back', async () => {
    const henry = await login('sub-henry');
    await tap(henry, ['after_sale_decided']);
    await eventually(async () => (await unused(henry.token)).after_sale_decided === 1);
    const order = await paidOrder(henry.token, 'Returned tea');
    const request = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token: henry.token, body: { reason: '不想要了', refundFen: 1250 } });
    expect(request.status).toBe(201);
    const before = await sendCalls();
    const rejected = await requestJson(api(`/api/orders/admin/after-sales/${request.body.id}/reject`), {
      token: staffToken,
      body: { reason: '已过退货期' },
    });
    expect(rejected.status).toBe(200);
    await finished(`after_sale_decided.${request.body.id}`);
    const failed = (await job(`after_sale_decided.${request.body.id}`))!;
    expect([await failed.getState(), failed.attemptsMade]).toEqual(['failed', 1]);
    expect(((await sendCalls())['47003'] ?? 0) - (before['47003'] ?? 0)).toBe(1);
    expect(await counted('after_sale_decided', 'rejected')).toBe(1);
    expect(await sent(henry.openid)).toEqual([]);
    expect(await unused(henry.token)).toMatchObject({ after_sale_decided: 1 });
  }, 60000);

  it('an order left unpaid until its time is up sends order_cancelled', async () => {
    const ivy = await login('sub-ivy');
    await tap(ivy, ['order_cancelled']);
    const order = await unpaidOrder(ivy.token, 'Forgotten tea');
    await eventually(async () => (await sent(ivy.openid)).length === 1, 90000);
    expect((await sent(ivy.openid))[0]).toMatchObject({
      templateId: 'order_cancelled',
      page: `pages/orders/detail?id=${order.id}`,
      data: {
        character_string1: { value: order.orderNo },
        thing2: { value: 'Forgotten tea' },
        amount3: { value: '¥12.50' },
        thing4: { value: '订单超时未支付' },
      },
    });
    expect((await requestJson(api(`/api/orders/${order.id}`), { token: ivy.token })).body.status).toBe('cancelled');
  }, 120000);

  it('a booking sends booking_made now and schedules its reminder an hour before the slot; cancelling drops the reminder', async () => {
    const dave = await login('sub-dave');
    await tap(dave, ['booking_made', 'booking_reminder']);
    const resource = await requestJson(api('/api/appointments/admin/resources'), { token: staffToken, body: { name: '一号理疗室', kind: 'room' } });
    expect(resource.status).toBe(201);
    const startsAt = new Date(Date.now() + 3 * 86400000);
    startsAt.setUTCMinutes(0, 0, 0);
    const slots = await requestJson(api('/api/appointments/admin/slots'), {
      token: staffToken,
      body: {
        resourceId: resource.body.id,
        slots: [
          { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 1800000).toISOString(), capacity: 2 },
          { startsAt: new Date(startsAt.getTime() + 3600000).toISOString(), endsAt: new Date(startsAt.getTime() + 5400000).toISOString(), capacity: 2 },
        ],
      },
    });
    expect(slots.status).toBe(201);
    const [first, second] = (slots.body.items as { id: string }[]).map((slot) => slot.id);
    const book = (slotId: string) =>
      requestJson(api('/api/appointments'), { token: dave.token, body: { slotId, contact: { name: '张三', phone: '13800138000' } } });
    const booked = await book(first);
    expect(booked.status).toBe(201);

    await eventually(async () => (await sent(dave.openid)).length === 1);
    expect((await sent(dave.openid))[0]).toMatchObject({
      templateId: 'booking_made',
      page: `pages/appointments/detail?id=${booked.body.id}`,
      data: { thing1: { value: '一号理疗室' }, name3: { value: '张三' } },
    });
    await eventually(async () => (await job(`booking_reminder.${booked.body.id}`)) !== undefined);
    const reminder = (await job(`booking_reminder.${booked.body.id}`))!;
    expect(await reminder.getState()).toBe('delayed');
    // Due an hour before the start (BullMQ keeps when it was added and the delay from then).
    expect(Math.abs(reminder.timestamp + reminder.opts.delay! - (startsAt.getTime() - 3600000))).toBeLessThan(5000);

    const other = await book(second);
    expect(other.status).toBe(201);
    await eventually(async () => (await job(`booking_reminder.${other.body.id}`)) !== undefined);
    expect((await requestJson(api(`/api/appointments/${other.body.id}/cancel`), { method: 'POST', token: dave.token })).body.status).toBe('cancelled');
    await eventually(async () => (await job(`booking_reminder.${other.body.id}`)) === undefined);
    expect(await (await job(`booking_reminder.${booked.body.id}`))!.getState()).toBe('delayed');
  }, 60000);

  it('sends the reminder when it falls due: a slot starting in an hour and 5 s is reminded about 5 s later', async () => {
    const fay = await login('sub-fay');
    await tap(fay, ['booking_made', 'booking_reminder']);
    const resource = await requestJson(api('/api/appointments/admin/resources'), { token: staffToken, body: { name: '二号理疗室', kind: 'room' } });
    const startsAt = new Date(Math.ceil((Date.now() + 3605000) / 1000) * 1000);
    const slots = await requestJson(api('/api/appointments/admin/slots'), {
      token: staffToken,
      body: {
        resourceId: resource.body.id,
        slots: [{ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 1800000).toISOString(), capacity: 1 }],
      },
    });
    expect(slots.status).toBe(201);
    const booked = await requestJson(api('/api/appointments'), {
      token: fay.token,
      body: { slotId: slots.body.items[0].id, contact: { name: '李四', phone: '13800138001' } },
    });
    expect(booked.status).toBe(201);
    await eventually(async () => (await sent(fay.openid)).some((message) => message.templateId === 'booking_reminder'), 30000);
    const reminder = (await sent(fay.openid)).find((message) => message.templateId === 'booking_reminder')!;
    expect(reminder).toMatchObject({ page: `pages/appointments/detail?id=${booked.body.id}`, data: { thing1: { value: '二号理疗室' } } });
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt.getTime() - 3600000);
    await finished(`booking_reminder.${booked.body.id}`);
    expect(await (await job(`booking_reminder.${booked.body.id}`))?.getState()).toBe('completed');
  }, 60000);

  it('43101 is not retried, and a transient fault is retried and sends once', async () => {
    const erin = await login('sub-erin');
    // Auth holds an acceptance WeChat does not (the sandbox never saw it): WeChat answers 43101, tried once.
    await accept(erin.token, { order_paid: 'accept' });
    const before = await sendCalls();
    const refused = await paidOrder(erin.token, 'Refused tea');
    await finished(`order_paid.${refused.id}`);
    const refusedJob = (await job(`order_paid.${refused.id}`))!;
    expect(await refusedJob.getState()).toBe('failed');
    expect(refusedJob.attemptsMade).toBe(1);
    expect(((await sendCalls())['43101'] ?? 0) - (before['43101'] ?? 0)).toBe(1);
    const refusedCounted = await counted('order_paid', 'refused');
    expect(refusedCounted).toBeGreaterThanOrEqual(1);
    expect(await unused(erin.token)).toMatchObject({ order_paid: 0 });

    // Now both hold one; WeChat answers "system busy" until the fault is lifted: retried, and sent once.
    await tap(erin, ['order_paid']);
    await eventually(async () => (await unused(erin.token)).order_paid === 1);
    // WeChat Pay's sandbox answers "system busy" too, so the order's prepay is made before the fault.
    const retried = await unpaidOrder(erin.token, 'Retried tea');
    const busyBefore = (await sendCalls())['-1'] ?? 0;
    await sandbox('/sandbox/faults', { systemBusy: true });
    await retried.pay();
    await eventually(async () => ((await sendCalls())['-1'] ?? 0) > busyBefore);
    await sandbox('/sandbox/faults', { systemBusy: false });
    await finished(`order_paid.${retried.id}`);
    const retriedJob = (await job(`order_paid.${retried.id}`))!;
    expect(await retriedJob.getState()).toBe('completed');
    expect(retriedJob.attemptsMade).toBeGreaterThan(1);
    expect(await counted('order_paid', 'retried')).toBe(retriedJob.attemptsMade - 1);
    expect(await counted('order_paid', 'refused')).toBe(refusedCounted);
    expect((await sent(erin.openid)).map((message) => message.page)).toEqual([`pages/orders/detail?id=${retried.id}`]);
    expect(await unused(erin.token)).toMatchObject({ order_paid: 0 });
  }, 90000);
});
