import { requestJson } from '#libs/testing';
import { NotifyRelay } from '../../apps/orders/test/notify-relay';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, signClusterToken } from './cluster-fixture';

const eventually = async (check: () => Promise<boolean>, timeoutMs = 20000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

interface SandboxOrder {
  trade_state: string;
  total: number;
  refunded: number;
  refunds: { out_refund_no: string; refund: number }[];
}

describe('after-sales: 2 orders replicas behind the real HAProxy, partial refunds in the WeChat Pay sandbox', () => {
  let cluster: LocalCluster;
  const relay = new NotifyRelay();
  let staffToken: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const sandboxOrder = async (orderNo: string) => (await requestJson<SandboxOrder>(`${cluster.sandboxUrl}/sandbox/pay/orders/${orderNo}`)).body;
  const refundCalls = async () => ((await requestJson(`${cluster.sandboxUrl}/sandbox/stats`)).body.pay_refund ?? {}) as Record<string, number>;

  /** A user's order of `quantity` units at `priceFen`, paid through the sandbox (its notification back through HAProxy). */
  const paidOrder = async (token: string, priceFen: number, quantity: number) => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `After-sale ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: 'After-sale tea', images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen, stock: 100 }] },
    });
    expect(product.status).toBe(201);
    const placed = await requestJson(api('/api/orders'), {
      token,
      body: { items: [{ skuId: product.body.skus[0].id, quantity }], contact: { name: 'Buyer', phone: '13800138000' } },
      headers: { 'idempotency-key': `as-order-${Date.now()}` },
    });
    expect(placed.status).toBe(201);
    const params = await requestJson(api(`/api/orders/${placed.body.id}/pay`), { method: 'POST', token });
    expect(params.status).toBe(200);
    await fetch(`${cluster.sandboxUrl}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await requestJson(api(`/api/orders/${placed.body.id}`), { token })).body.status === 'paid');
    return placed.body as { id: string; orderNo: string; totalFen: number };
  };

  beforeAll(async () => {
    await relay.start();
    cluster = createTestCluster({ auth: 1, catalog: 1, orders: 2 }, { WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify` });
    await cluster.start();
    relay.target = cluster.publicUrl;
    staffToken = await signClusterToken(cluster, {
      subject: '01CLUSTERSTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
    await relay.stop();
  }, 60000);

  it('20 concurrent approvals of one request through both replicas make one partial refund, and its money comes back in the sandbox', async () => {
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: 'cluster:after-sale-buyer' } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    const order = await paidOrder(token, 1990, 3);
    expect(order.totalFen).toBe(5970);

    const request = await requestJson(api(`/api/orders/${order.id}/after-sales`), {
      token,
      body: {
        reason: '一盒破损',
        refundFen: 1990,
        items: [{ skuId: (await requestJson(api(`/api/orders/${order.id}`), { token })).body.items[0].skuId, quantity: 1 }],
      },
      headers: { 'idempotency-key': 'cluster-after-sale' },
    });
    expect([request.status, request.body.status]).toEqual([201, 'requested']);
    // Two more asked at once while it is open: neither opens a second one.
    const racing = await Promise.all(
      [1, 2].map((n) => requestJson(api(`/api/orders/${order.id}/after-sales`), { token, body: { reason: `again ${n}`, refundFen: 10 } })),
    );
    expect(racing.map((reply) => reply.body.code)).toEqual(['AFTER_SALE_OPEN', 'AFTER_SALE_OPEN']);

    const before = (await refundCalls()).ok ?? 0;
    const started = Date.now();
    const approvals = await Promise.all(
      Array.from({ length: 20 }, () =>
        requestJson(api(`/api/orders/admin/after-sales/${request.body.id}/approve`), { token: staffToken, body: { refundFen: 1500 } }),
      ),
    );
    const statuses = approvals.map((reply) => `${reply.status} ${reply.body.code ?? reply.body.status}`);
    process.stdout.write(
      `20 approvals in ${Date.now() - started} ms: ${JSON.stringify(Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])))}\n`,
    );
    expect(approvals.filter((reply) => reply.status === 200)).toHaveLength(1);
    expect(new Set(approvals.filter((reply) => reply.status !== 200).map((reply) => reply.body.code))).toEqual(new Set(['AFTER_SALE_STATE_CONFLICT']));

    await eventually(async () => {
      const list = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token });
      return list.body.items[0]?.status === 'refunded';
    });
    const sandbox = await sandboxOrder(order.orderNo);
    expect(sandbox).toMatchObject({ trade_state: 'REFUND', total: 5970, refunded: 1500 });
    expect(sandbox.refunds).toEqual([expect.objectContaining({ out_refund_no: `AS${request.body.id}`, refund: 1500 })]);
    expect((await refundCalls()).ok).toBe(before + 1);
    const view = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token });
    expect(view.body.items[0]).toMatchObject({ status: 'refunded', refundFen: 1990, refund: { status: 'succeeded', amountFen: 1500 } });

    // What is left (5970 - 1500) can be asked for and refunded, and not a fen more.
    expect((await requestJson(api(`/api/orders/${order.id}/after-sales`), { token, body: { reason: 'rest', refundFen: 4471 } })).body.code).toBe(
      'REFUND_EXCEEDS_REFUNDABLE',
    );
    const rest = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token, body: { reason: 'rest', refundFen: 4470 } });
    expect(rest.status).toBe(201);
    expect((await requestJson(api(`/api/orders/admin/after-sales/${rest.body.id}/approve`), { token: staffToken, body: {} })).status).toBe(200);
    await eventually(async () => (await sandboxOrder(order.orderNo)).refunded === 5970);
    await eventually(async () => (await requestJson(api(`/api/orders/${order.id}/after-sales`), { token })).body.items[0]?.status === 'refunded');
    const admin = await requestJson(api(`/api/orders/admin/${order.id}`), { token: staffToken });
    const steps = (admin.body.history as { reason: string | null; actor: { kind: string } }[])
      .filter((event) => event.reason?.startsWith('after_sale'))
      .map((event) => `${event.actor.kind} ${event.reason!.split(':')[0]}`);
    expect(steps).toEqual([
      'user after_sale_requested',
      'staff after_sale_approved',
      'wechat after_sale_refunded',
      'user after_sale_requested',
      'staff after_sale_approved',
      'wechat after_sale_refunded',
    ]);
  }, 60000);
});
