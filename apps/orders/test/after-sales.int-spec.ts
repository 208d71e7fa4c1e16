import { connect } from '@nats-io/transport-node';
import { WECHAT_PUSH_EVENTS } from '#libs/contracts';
import { requestJson } from '#libs/testing';
import { jpeg, postUpload, wxUploadBody } from '../../upload/test/upload-fixtures';
import { startUploadHarness, UploadHarness } from '../../upload/test/upload-test-harness';
import { OrderSweeperService } from '../src/services/order-sweeper.service';
import { eventually, orderBody, OrdersHarness, signedNotification, startOrdersHarness, TestUser } from './orders-test-harness';

const PRICE = 2590;

describe('after-sales: refund requests, staff decisions and partial WeChat Pay refunds (real orders, catalog, auth, upload, sandbox)', () => {
  let h: OrdersHarness;
  let upload: UploadHarness;
  let alice: TestUser;
  let bob: TestUser;
  let skus: string[];

  const api = (path: string) => `${h.url}/api/orders${path}`;
  const place = async (user = alice, items = [{ skuId: skus[0], quantity: 2 }]) => {
    const reply = await requestJson(api(''), { token: user.token, body: orderBody(items) });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; orderNo: string; totalFen: number };
  };
  const paidOrder = async (user = alice, items?: { skuId: string; quantity: number }[], placed?: { id: string; orderNo: string; totalFen: number }) => {
    const order = placed ?? (await place(user, items));
    const params = await requestJson(api(`/${order.id}/pay`), { method: 'POST', token: user.token });
    expect(params.status).toBe(200);
    await fetch(`${h.paySandbox.url}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await requestJson(api(`/${order.id}`), { token: user.token })).body.status === 'paid');
    return order;
  };
  const ask = (orderId: string, body: Record<string, unknown>, user = alice, key?: string) =>
    requestJson(api(`/${orderId}/after-sales`), { token: user.token, body, headers: key ? { 'idempotency-key': key } : {} });
  const staff = (path: string, body: Record<string, unknown> = {}) => requestJson(api(`/admin/after-sales${path}`), { token: h.staffToken, body });
  const requestRow = async (id: string) => (await h.query<Record<string, unknown>>('SELECT * FROM after_sales WHERE id = ?', [id]))[0];
  const countOf = async (orderId: string) => Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM after_sales WHERE order_id = ?', [orderId]))[0].n);
  const history = async (orderId: string) =>
    (
      await h.query<{ actor_kind: string; reason: string }>(
        "SELECT actor_kind, reason FROM order_events WHERE order_id = ? AND reason LIKE 'after_sale%' ORDER BY id",
        [orderId],
      )
    ).map((event) => `${event.actor_kind} ${event.reason.split(':')[0]}`);
  const sandboxOrder = async (orderNo: string) =>
    (
      await requestJson<{ refunded: number; total: number; refunds: { out_refund_no: string; refund: number }[] }>(
        `${h.paySandbox.url}/sandbox/pay/orders/${orderNo}`,
      )
    ).body;
  const refundRequests = async () => (await requestJson(`${h.paySandbox.url}/sandbox/stats`)).body.pay_refund as Record<string, number>;

  beforeAll(async () => {
    h = await startOrdersHarness({ AFTER_SALE_DAYS: '7' });
    upload = await startUploadHarness({
      answersMessages: true,
      // Photos go to auth's sandbox for the media check (its fetch of this origin fails: they stay pending).
      env: {
        NATS_URL: h.catalog.natsUrl,
        MESSAGE_TIMEOUT_MS: '3000',
        WECHAT_API_BASE_URL: h.auth.sandbox.url,
        UPLOAD_MEDIA_CHECK_BASE_URL: 'http://127.0.0.1:9',
      },
    });
    alice = await h.login('aftersale-alice');
    bob = await h.login('aftersale-bob');
    skus = await h.seedSkus([
      { name: 'A', priceFen: PRICE, stock: 1000 },
      { name: 'B', priceFen: 500, stock: 1000 },
    ]);
  }, 90000);
  afterAll(async () => {
    await upload?.close();
    await h?.close();
  });

  it('takes a request on a paid order (201 requested, in the list and the order history), once per Idempotency-Key', async () => {
    const order = await paidOrder();
    const reply = await ask(order.id, { reason: '茶叶受潮', refundFen: 1000, remark: '包装完好' }, alice, 'as-key-1');
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      orderId: order.id,
      userId: alice.id,
      status: 'requested',
      reason: '茶叶受潮',
      refundFen: 1000,
      items: [],
      refund: null,
    });
    const again = await ask(order.id, { reason: '茶叶受潮', refundFen: 1000, remark: '包装完好' }, alice, 'as-key-1');
    expect([again.status, again.body.id]).toEqual([201, reply.body.id]);
    const list = await requestJson(api(`/${order.id}/after-sales`), { token: alice.token });
    expect(list.body).toEqual({ items: [reply.body], nextCursor: null });
    expect(await countOf(order.id)).toBe(1);
    expect(await history(order.id)).toEqual(['user after_sale_requested']);
  });

  it('keeps one open request per order: a second is 409 AFTER_SALE_OPEN, and of 8 at once exactly one opens', async () => {
    const order = await paidOrder();
    expect((await ask(order.id, { reason: 'one', refundFen: 100 })).status).toBe(201);
    const second = await ask(order.id, { reason: 'two', refundFen: 100 });
    expect([second.status, second.body.code]).toEqual([409, 'AFTER_SALE_OPEN']);

    const racing = await paidOrder();
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(racing.id, { reason: `race ${i}`, refundFen: 100 })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(replies.filter((r) => r.status !== 201).map((r) => r.body.code))).toEqual(new Set(['AFTER_SALE_OPEN']));
    expect(await countOf(racing.id)).toBe(1);
  });

  it('refuses a refund above what was paid (409 REFUND_EXCEEDS_REFUNDABLE) and above the value of the lines named', async () => {
    const order = await paidOrder(alice, [
      { skuId: skus[0], quantity: 1 },
      { skuId: skus[1], quantity: 2 },
    ]);
    const tooMuch = await ask(order.id, { reason: 'x', refundFen: order.totalFen + 1 });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([409, 'REFUND_EXCEEDS_REFUNDABLE']);
    const aboveLines = await ask(order.id, { reason: 'x', refundFen: 501, items: [{ skuId: skus[1], quantity: 1 }] });
    expect([aboveLines.status, aboveLines.body.code]).toEqual([409, 'REFUND_EXCEEDS_REFUNDABLE']);
    expect(await countOf(order.id)).toBe(0);
    const lines = await ask(order.id, { reason: 'x', refundFen: 500, items: [{ skuId: skus[1], quantity: 1 }] });
    expect(lines.status).toBe(201);
    expect(lines.body.items).toEqual([{ skuId: skus[1], quantity: 1 }]);
  });

  it("values the lines named at what was paid for them: a coupon's share of the discount is not refundable", async () => {
    const now = Date.now();
    const coupon = await requestJson(api('/admin/coupons'), {
      token: h.staffToken,
      body: {
        name: '立减 1 元',
        kind: 'amount',
        amountFen: 100,
        minSpendFen: 0,
        total: 10,
        perUserLimit: 1,
        startsAt: new Date(now - 3600000).toISOString(),
        endsAt: new Date(now + 3600000).toISOString(),
      },
    });
    expect(coupon.status).toBe(201);
    const claimed = await requestJson(`${h.url}/api/coupons/${coupon.body.id}/claim`, {
      method: 'POST',
      token: alice.token,
      headers: { 'idempotency-key': `as-coupon-${now}` },
    });
    expect(claimed.status).toBe(201);
    const placed = await requestJson(api(''), { token: alice.token, body: orderBody([{ skuId: skus[1], quantity: 2 }], { userCouponId: claimed.body.id }) });
    expect([placed.status, placed.body.discountFen]).toEqual([201, 100]);
    const order = await paidOrder(alice, undefined, placed.body);
    // Two units of 500 fen, 100 off the line: one unit was paid 450.
    const aboveWhatWasPaid = await ask(order.id, { reason: 'x', refundFen: 451, items: [{ skuId: skus[1], quantity: 1 }] });
    expect([aboveWhatWasPaid.status, aboveWhatWasPaid.body.code]).toEqual([409, 'REFUND_EXCEEDS_REFUNDABLE']);
    expect((await ask(order.id, { reason: 'x', refundFen: 450, items: [{ skuId: skus[1], quantity: 1 }] })).status).toBe(201);
  });

  it('only on paid, shipped and completed orders: unpaid and cancelled are 409 ORDER_STATE_CONFLICT; completed only within AFTER_SALE_DAYS', async () => {
    const unpaid = await place();
    expect((await ask(unpaid.id, { reason: 'x', refundFen: 1 })).body.code).toBe('ORDER_STATE_CONFLICT');
    await requestJson(api(`/${unpaid.id}/cancel`), { method: 'POST', token: alice.token });
    expect((await ask(unpaid.id, { reason: 'x', refundFen: 1 })).body.code).toBe('ORDER_STATE_CONFLICT');

    const shipped = await paidOrder();
    expect((await requestJson(api(`/admin/${shipped.id}/ship`), { token: h.staffToken, body: { logisticsType: 'self_pickup' } })).status).toBe(200);
    expect((await ask(shipped.id, { reason: 'x', refundFen: 1 })).status).toBe(201);

    const completed = await paidOrder();
    await requestJson(api(`/admin/${completed.id}/ship`), { token: h.staffToken, body: { logisticsType: 'self_pickup' } });
    expect((await requestJson(api(`/admin/${completed.id}/complete`), { method: 'POST', token: h.staffToken })).status).toBe(200);
    await h.query('UPDATE orders SET completed_at = NOW(3) - INTERVAL 8 DAY WHERE id = ?', [completed.id]);
    const late = await ask(completed.id, { reason: 'x', refundFen: 1 });
    expect([late.status, late.body.code]).toEqual([409, 'AFTER_SALE_WINDOW_CLOSED']);
    await h.query('UPDATE orders SET completed_at = NOW(3) - INTERVAL 6 DAY WHERE id = ?', [completed.id]);
    expect((await ask(completed.id, { reason: 'x', refundFen: 1 })).status).toBe(201);
  });

  it("another user's order and request are 404, and nothing changes", async () => {
    const order = await paidOrder();
    const mine = await ask(order.id, { reason: 'mine', refundFen: 100 });
    const theirs = await ask(order.id, { reason: 'not yours', refundFen: 100 }, bob);
    expect([theirs.status, theirs.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect((await requestJson(api(`/${order.id}/after-sales`), { token: bob.token })).body.code).toBe('ORDER_NOT_FOUND');
    const withdraw = await requestJson(api(`/${order.id}/after-sales/${mine.body.id}/withdraw`), { method: 'POST', token: bob.token });
    expect([withdraw.status, withdraw.body.code]).toEqual([404, 'AFTER_SALE_NOT_FOUND']);
    expect((await requestRow(mine.body.id)).status).toBe('requested');
    expect(await countOf(order.id)).toBe(1);
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const order = await paidOrder();
    const bad: Record<string, unknown>[] = [
      {},
      { reason: 'x' },
      { reason: '', refundFen: 1 },
      { reason: 'x', refundFen: 0 },
      { reason: 'x', refundFen: '100' },
      { reason: 'x', refundFen: 1.5 },
      { reason: 'x', refundFen: 1, extra: true },
      { reason: 'x\u202e', refundFen: 1 },
      { reason: 'x'.repeat(201), refundFen: 1 },
      { reason: 'x', refundFen: 1, remark: null },
      { reason: 'x', refundFen: 1, items: [] },
      { reason: 'x', refundFen: 1, items: [{ skuId: skus[1], quantity: 1 }] },
      { reason: 'x', refundFen: 1, items: [{ skuId: skus[0], quantity: 3 }] },
      { reason: 'x', refundFen: 1, items: [{ skuId: skus[0], quantity: 1, priceFen: 1 }] },
      { reason: 'x', refundFen: 1, imageUploadIds: ['not-an-id'] },
      { reason: 'x', refundFen: 1, imageUploadIds: Array.from({ length: 10 }, () => '01HZ0000000000000000000000') },
      { reason: 'x', refundFen: 1, imageUploadIds: ['01HZ0000000000000000000000', '01HZ0000000000000000000000'] },
      { reason: 'x', refundFen: 1, imageUploadIds: [1] },
      { reason: 'x', refundFen: 1e20 },
      { reason: 'x', refundFen: null },
      { reason: ['x'], refundFen: 1 },
      { reason: 'x', refundFen: 1, items: [null] },
      { reason: 'x', refundFen: 1, items: 'all' },
      {
        reason: 'x',
        refundFen: 1,
        items: [
          { skuId: skus[0], quantity: 1 },
          { skuId: skus[0], quantity: 1 },
        ],
      },
    ];
    for (const body of bad) {
      const reply = await ask(order.id, body);
      expect([JSON.stringify(body), reply.status, reply.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect(await countOf(order.id)).toBe(0);
    expect(await history(order.id)).toEqual([]);

    // Bad staff input and bad ids change nothing either.
    const request = await ask(order.id, { reason: 'ok', refundFen: 100 });
    for (const body of [{ refundFen: 0 }, { refundFen: '50' }, { refundFen: null }, { refundFen: 50, extra: 1 }]) {
      expect((await staff(`/${request.body.id}/approve`, body)).body.code).toBe('VALIDATION_FAILED');
    }
    for (const body of [{}, { reason: '' }, { reason: 1 }, { reason: 'x'.repeat(201) }]) {
      expect((await staff(`/${request.body.id}/reject`, body)).body.code).toBe('VALIDATION_FAILED');
    }
    expect((await staff('/not-an-id/approve')).status).toBe(400);
    expect((await requestJson(api(`/${order.id}/after-sales/not-an-id/withdraw`), { method: 'POST', token: alice.token })).status).toBe(400);
    expect((await requestJson(api('/not-an-id/after-sales'), { token: alice.token })).status).toBe(400);
    expect((await requestJson(api(`/${order.id}/after-sales?cursor=%%%`), { token: alice.token })).status).toBe(400);
    expect((await requestJson(api(`/${order.id}/after-sales?limit=101`), { token: alice.token })).status).toBe(400);
    expect(await requestRow(request.body.id)).toMatchObject({ status: 'requested', approved_fen: null, refund_no: null });
    expect(await history(order.id)).toEqual(['user after_sale_requested']);
  });

  it("takes the user's own uploaded images; another user's upload is 404 UPLOAD_NOT_FOUND", async () => {
    const order = await paidOrder();
    const own = await postUpload(upload.url, await upload.userToken(alice.id), wxUploadBody(await jpeg(40, 30)));
    const others = await postUpload(upload.url, await upload.userToken(bob.id), wxUploadBody(await jpeg(40, 30)));
    expect([own.status, others.status]).toEqual([201, 201]);
    const refused = await ask(order.id, { reason: 'photo', refundFen: 100, imageUploadIds: [own.body.id, others.body.id] });
    expect([refused.status, refused.body.code]).toEqual([404, 'UPLOAD_NOT_FOUND']);
    expect(await countOf(order.id)).toBe(0);
    const taken = await ask(order.id, { reason: 'photo', refundFen: 100, imageUploadIds: [own.body.id] });
    expect(taken.status).toBe(201);
    expect(taken.body.imageUploadIds).toEqual([own.body.id]);
  });

  it("an attached photo is its owner's alone while WeChat checks it; once found risky it is refused with 422 and nothing is stored", async () => {
    const order = await paidOrder();
    const photo = await postUpload(upload.url, await upload.userToken(alice.id), wxUploadBody(await jpeg(40, 30)));
    const taken = await ask(order.id, { reason: 'photo', refundFen: 100, imageUploadIds: [photo.body.id] });
    expect(taken.status).toBe(201);
    const content = async (token: string) =>
      (await fetch(`${upload.url}/api/uploads/${photo.body.id}/content`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect([await content(await upload.userToken(alice.id)), await content(await upload.staffToken())]).toEqual([200, 404]);

    // WeChat's verdict arrives (as auth publishes the push on the bus): risky.
    const [{ media_check_trace_id: traceId }] = await upload.query<{ media_check_trace_id: string }>('SELECT media_check_trace_id FROM uploads WHERE id = ?', [
      photo.body.id,
    ]);
    const nats = await connect({ servers: h.catalog.natsUrl });
    try {
      nats.publish(
        WECHAT_PUSH_EVENTS.mediaCheck,
        JSON.stringify({ pattern: WECHAT_PUSH_EVENTS.mediaCheck, data: { trace_id: traceId, result: { suggest: 'risky' } } }),
      );
      await nats.flush();
    } finally {
      await nats.close();
    }
    await eventually(
      async () => (await upload.query<{ media_check: string }>('SELECT media_check FROM uploads WHERE id = ?', [photo.body.id]))[0].media_check === 'risky',
    );
    expect([await content(await upload.userToken(alice.id)), await content(await upload.staffToken())]).toEqual([404, 200]);
    await requestJson(api(`/${order.id}/after-sales/${taken.body.id}/withdraw`), { method: 'POST', token: alice.token });
    const before = await countOf(order.id);
    const refused = await ask(order.id, { reason: 'photo again', refundFen: 100, imageUploadIds: [photo.body.id] });
    expect([refused.status, refused.body.code]).toEqual([422, 'CONTENT_REJECTED']);
    expect(await countOf(order.id)).toBe(before);
  });

  it('approves a lower amount, refunds it partially through WeChat Pay, and keeps every refund within what was paid', async () => {
    const order = await paidOrder();
    expect(order.totalFen).toBe(2 * PRICE);
    const first = await ask(order.id, { reason: 'one box broken', refundFen: 3000 });
    const above = await staff(`/${first.body.id}/approve`, { refundFen: 3001 });
    expect([above.status, above.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const before = (await refundRequests()).ok ?? 0;
    const approved = await staff(`/${first.body.id}/approve`, { refundFen: 2000 });
    expect(approved.status).toBe(200);
    // `refunded` already when WeChat Pay's answer to the refund said SUCCESS before the approval answered.
    expect(approved.body).toMatchObject({
      status: expect.stringMatching(/^(approved|refunded)$/),
      refundFen: 3000,
      refund: { amountFen: 2000, status: expect.stringMatching(/pending|processing|succeeded/) },
    });
    await eventually(async () => (await requestRow(first.body.id)).status === 'refunded');
    expect((await sandboxOrder(order.orderNo)).refunded).toBe(2000);
    expect((await refundRequests()).ok).toBe(before + 1);

    // What is left: 5180 - 2000 = 3180; more is refused, exactly that is taken and refunded; then nothing is left.
    const rest = order.totalFen - 2000;
    expect((await ask(order.id, { reason: 'the other box', refundFen: rest + 1 })).body.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    const second = await ask(order.id, { reason: 'the other box', refundFen: rest });
    expect(second.status).toBe(201);
    expect((await staff(`/${second.body.id}/approve`)).status).toBe(200);
    await eventually(async () => (await requestRow(second.body.id)).status === 'refunded');
    const sandbox = await sandboxOrder(order.orderNo);
    expect([sandbox.refunded, sandbox.total]).toEqual([order.totalFen, order.totalFen]);
    expect(sandbox.refunds.map((refund) => [refund.out_refund_no, refund.refund])).toEqual([
      [`AS${first.body.id}`, 2000],
      [`AS${second.body.id}`, rest],
    ]);
    expect((await ask(order.id, { reason: 'more', refundFen: 1 })).body.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    const view = await requestJson(api(`/${order.id}/after-sales`), { token: alice.token });
    expect(view.body.items.map((item: { status: string; refund: { status: string; amountFen: number } }) => [item.status, item.refund])).toEqual([
      ['refunded', { status: 'succeeded', amountFen: rest, refundedAt: expect.any(String) }],
      ['refunded', { status: 'succeeded', amountFen: 2000, refundedAt: expect.any(String) }],
    ]);
    expect(await history(order.id)).toEqual([
      'user after_sale_requested',
      'staff after_sale_approved',
      'wechat after_sale_refunded',
      'user after_sale_requested',
      'staff after_sale_approved',
      'wechat after_sale_refunded',
    ]);
  });

  it('20 approvals of one request at once make one refund; the others are 409 AFTER_SALE_STATE_CONFLICT', async () => {
    const order = await paidOrder();
    const request = await ask(order.id, { reason: 'race', refundFen: 1234 });
    const before = (await refundRequests()).ok ?? 0;
    const replies = await Promise.all(Array.from({ length: 20 }, () => staff(`/${request.body.id}/approve`)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(new Set(replies.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.code}`))).toEqual(new Set(['409 AFTER_SALE_STATE_CONFLICT']));
    await eventually(async () => (await requestRow(request.body.id)).status === 'refunded');
    expect((await refundRequests()).ok).toBe(before + 1);
    expect((await sandboxOrder(order.orderNo)).refunded).toBe(1234);
    expect((await history(order.id)).filter((line) => line === 'staff after_sale_approved')).toHaveLength(1);
  });

  it('reject and withdraw close a request; decided requests cannot move again (409), and a new request may then be made', async () => {
    const order = await paidOrder();
    const first = await ask(order.id, { reason: 'changed my mind', refundFen: 100 });
    const rejected = await staff(`/${first.body.id}/reject`, { reason: '商品已拆封' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '商品已拆封', decidedAt: expect.any(String) });
    for (const path of ['approve', 'reject']) {
      const again = await staff(`/${first.body.id}/${path}`, path === 'reject' ? { reason: 'again' } : {});
      expect([again.status, again.body.code]).toEqual([409, 'AFTER_SALE_STATE_CONFLICT']);
    }
    const late = await requestJson(api(`/${order.id}/after-sales/${first.body.id}/withdraw`), { method: 'POST', token: alice.token });
    expect([late.status, late.body.code]).toEqual([409, 'AFTER_SALE_STATE_CONFLICT']);

    const second = await ask(order.id, { reason: 'really', refundFen: 100 });
    expect(second.status).toBe(201);
    const withdrawn = await requestJson(api(`/${order.id}/after-sales/${second.body.id}/withdraw`), { method: 'POST', token: alice.token });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
    expect((await staff(`/${second.body.id}/approve`)).body.code).toBe('AFTER_SALE_STATE_CONFLICT');
    expect((await staff('/01HZ0000000000000000000000/approve')).body.code).toBe('AFTER_SALE_NOT_FOUND');
    expect((await staff(`/${first.body.id}/reject`, {})).status).toBe(400);
    expect((await ask(order.id, { reason: 'third', refundFen: 100 })).status).toBe(201);
    expect(await history(order.id)).toEqual([
      'user after_sale_requested',
      'staff after_sale_rejected',
      'user after_sale_requested',
      'user after_sale_withdrawn',
      'user after_sale_requested',
    ]);
  });

  it('lists requests for staff by status, in pages; users cannot reach the staff routes', async () => {
    const order = await paidOrder();
    const request = await ask(order.id, { reason: 'listed', refundFen: 10 });
    await staff(`/${request.body.id}/reject`, { reason: 'no' });
    const rejected = await requestJson(api('/admin/after-sales?status=rejected&limit=1'), { token: h.staffToken });
    expect(rejected.status).toBe(200);
    expect(rejected.body.items).toHaveLength(1);
    expect(rejected.body.items[0]).toMatchObject({ id: request.body.id, status: 'rejected' });
    expect(typeof rejected.body.nextCursor).toBe('string');
    const next = await requestJson(api(`/admin/after-sales?status=rejected&limit=1&cursor=${rejected.body.nextCursor}`), { token: h.staffToken });
    expect(next.body.items.every((item: { status: string; id: string }) => item.status === 'rejected' && item.id < request.body.id)).toBe(true);
    const requested = await requestJson(api('/admin/after-sales?status=requested&limit=100'), { token: h.staffToken });
    expect(requested.body.items.length).toBeGreaterThan(0);
    expect(requested.body.items.every((item: { status: string }) => item.status === 'requested')).toBe(true);
    expect((await requestJson(api('/admin/after-sales?status=open'), { token: h.staffToken })).status).toBe(400);
    expect((await requestJson(api('/admin/after-sales'), { token: alice.token })).status).toBe(403);
    expect((await requestJson(api(`/admin/after-sales/${request.body.id}/approve`), { token: alice.token, body: {} })).status).toBe(403);
  });

  it('leaves a refund pending while WeChat Pay is down and the sweeper sends it once it is back', async () => {
    const order = await paidOrder();
    const request = await ask(order.id, { reason: 'outage', refundFen: 300 });
    await requestJson(`${h.paySandbox.url}/sandbox/faults`, { body: { outage: true } });
    try {
      const approved = await staff(`/${request.body.id}/approve`);
      expect(approved.body).toMatchObject({ status: 'approved', refund: { status: 'pending', amountFen: 300 } });
    } finally {
      await requestJson(`${h.paySandbox.url}/sandbox/faults`, { body: { outage: false } });
    }
    // Still open meanwhile: another request waits.
    expect((await ask(order.id, { reason: 'meanwhile', refundFen: 1 })).body.code).toBe('AFTER_SALE_OPEN');
    await h.app.get(OrderSweeperService).sweep(Date.now() + 60000);
    await eventually(async () => (await requestRow(request.body.id)).status === 'refunded');
    expect((await sandboxOrder(order.orderNo)).refunded).toBe(300);
  });

  it('cancelling a paid order after a partial after-sale refund refunds only the rest; an open request can then not be approved', async () => {
    const order = await paidOrder();
    const first = await ask(order.id, { reason: 'part', refundFen: 1000 });
    await staff(`/${first.body.id}/approve`);
    await eventually(async () => (await requestRow(first.body.id)).status === 'refunded');
    const open = await ask(order.id, { reason: 'more', refundFen: 500 });
    const cancelled = await requestJson(api(`/${order.id}/cancel`), { method: 'POST', token: alice.token });
    expect(cancelled.status).toBe(200);
    await eventually(async () => (await sandboxOrder(order.orderNo)).refunded === order.totalFen);
    await eventually(async () => (await requestJson(api(`/${order.id}`), { token: alice.token })).body.refund?.status === 'succeeded');
    expect((await requestJson(api(`/${order.id}`), { token: alice.token })).body.refund).toMatchObject({ amountFen: order.totalFen - 1000 });
    expect((await staff(`/${open.body.id}/approve`)).body.code).toBe('ORDER_STATE_CONFLICT');
    expect((await sandboxOrder(order.orderNo)).refunded).toBe(order.totalFen);
  });

  it('refuses a verified refund notification that matches no after-sale refund of ours (400), changing nothing', async () => {
    const order = await paidOrder();
    const request = await ask(order.id, { reason: 'forged', refundFen: 200 });
    const message = signedNotification(
      h.platform.privateKey,
      h.platform.serial,
      {
        out_trade_no: order.orderNo,
        out_refund_no: `AS${request.body.id}`,
        refund_id: 'R1',
        refund_status: 'SUCCESS',
        amount: { refund: 200, total: order.totalFen },
      },
      { eventType: 'REFUND.SUCCESS', resourceType: 'refund' },
    );
    const reply = await requestJson(api('/payments/wechat/notify'), { rawBody: message.body, headers: message.headers });
    expect([reply.status, reply.body.code]).toEqual([400, 'PAYMENT_NOTIFICATION_INVALID']);
    expect((await requestRow(request.body.id)).status).toBe('requested');
  });
});
