import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { businessDay, requestJson } from '#libs/testing';
import { NotifyRelay } from '../../apps/orders/test/notify-relay';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, signClusterToken } from '../cluster/cluster-fixture';
import { launchChromium, logInToConsole, openConsolePage, SCREENSHOTS } from './console-browser';

const ADMIN = { username: 'console-sales-admin', password: 'console-sales-admin-password' };
const run = Date.now().toString(36);

const eventually = async (check: () => Promise<boolean>, timeoutMs = 30000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** `YYYY-MM-DD` of the day `offset` days from today in the shop's calendar (UTC+8, the cluster's BUSINESS_UTC_OFFSET). */
const shopDay = (offset: number) => businessDay(new Date(Date.now() + offset * 86400_000));

/**
 * The staff console's sales pages in headless Chromium against a real cluster through HAProxy: an order paid in the
 * WeChat Pay sandbox shipped from the console, the CSV export, slots generated for a date range and a user's booking
 * seen and cancelled, and the staff accounts page that only an admin sees.
 */
describe('staff console sales pages in a real browser (Chromium through HAProxy)', () => {
  let cluster: LocalCluster;
  let browser: Browser;
  let staffToken: string;
  let buyerToken: string;
  const relay = new NotifyRelay();
  let ordersPlaced = 0;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const consoleUrl = (path = '') => `${cluster.publicUrl}/admin/${path}`;
  const openAsAdmin = async (): Promise<{ page: Page; problems: string[] }> => {
    const opened = await openConsolePage(browser);
    await logInToConsole(opened.page, consoleUrl(), ADMIN.username, ADMIN.password);
    return opened;
  };

  /** A buyer's order of two units paid through the WeChat Pay sandbox. */
  const paidOrder = async (): Promise<{ id: string; orderNo: string }> => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Console sales ${run}-${ordersPlaced}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: {
        categoryId: category.body.id,
        title: `西湖龙井 ${run}`,
        images: ['https://img.example/t.jpg'],
        skus: [{ name: '250g', priceFen: 8800, stock: 20 }],
      },
    });
    expect(product.status).toBe(201);
    const placed = await requestJson(api('/api/orders'), {
      token: buyerToken,
      body: { items: [{ skuId: product.body.skus[0].id, quantity: 2 }], contact: { name: '控制台买家', phone: '13800138000' } },
      headers: { 'idempotency-key': `console-${run}-${++ordersPlaced}` },
    });
    expect(placed.status).toBe(201);
    const params = await requestJson(api(`/api/orders/${placed.body.id}/pay`), { method: 'POST', token: buyerToken });
    expect(params.status).toBe(200);
    await fetch(`${cluster.sandboxUrl}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await requestJson(api(`/api/orders/${placed.body.id}`), { token: buyerToken })).body.status === 'paid');
    return { id: placed.body.id, orderNo: placed.body.orderNo };
  };

  beforeAll(async () => {
    await relay.start();
    cluster = createTestCluster(
      { auth: 1, catalog: 1, orders: 1 },
      {
        ADMIN_BOOTSTRAP_USERNAME: ADMIN.username,
        ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password,
        WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify`,
      },
    );
    await cluster.start();
    relay.target = cluster.publicUrl;
    browser = await launchChromium();
    staffToken = await signClusterToken(cluster, {
      subject: '01CONSOLESTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: `console:buyer-${run}` } });
    expect(login.status).toBe(200);
    buyerToken = login.body.accessToken;
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
    await relay.stop();
  }, 60000);

  it("a paid order appears in the console, staff ship it by express, and the user's order shows shipped; the CSV export holds it; an after-sale refund approved lower, in yuan", async () => {
    const order = await paidOrder();
    const { page, problems } = await openAsAdmin();
    await page.click('[data-menu=orders]');
    await page.click('[data-test=order-status-filter]');
    await page.click('.el-select-dropdown__item:has-text("待发货")');
    await page.click('[data-test=order-search]');
    const link = page.locator(`[data-test=order-table] a:has-text("${order.orderNo}")`);
    await link.waitFor();
    expect(await page.locator('[data-test=order-table]').textContent()).toContain('¥176.00');
    await page.screenshot({ path: join(SCREENSHOTS, 'orders.png') });

    await link.click();
    await page.waitForSelector('[data-test=order-detail]');
    const detail = page.locator('[data-test=order-detail]');
    expect(await detail.textContent()).toContain('控制台买家');
    expect(await page.locator('[data-test=order-items]').textContent()).toContain('¥88.00');
    await page.click('[data-test=order-ship]');
    // Express without a tracking number is refused in the form, before any request.
    await page.fill('[data-test=ship-carrier]', '顺丰速运');
    await page.click('[data-test=ship-submit]');
    await page.waitForSelector('[data-test=ship-dialog] .el-form-item__error:has-text("运单号")');
    expect((await requestJson(api(`/api/orders/${order.id}`), { token: buyerToken })).body.status).toBe('paid');
    await page.fill('[data-test=ship-tracking]', `SF${run}`);
    await page.click('[data-test=ship-submit]');
    await page.waitForSelector('[data-test=order-shipment]');
    expect(await page.locator('[data-test=order-shipment]').textContent()).toContain(`SF${run}`);

    const seen = await requestJson(api(`/api/orders/${order.id}`), { token: buyerToken });
    expect(seen.body).toMatchObject({ status: 'shipped', shipment: { carrier: '顺丰速运', trackingNo: `SF${run}` } });
    // Paid with WeChat Pay: the shipping information goes to WeChat (the sandbox), and the page shows where it stands.
    await eventually(async () => {
      await page.reload();
      await page.waitForSelector('[data-test=order-shipment]');
      return (await page.locator('[data-test=order-wechat-sync]').textContent())?.includes('已同步') ?? false;
    });
    const history = await page.locator('[data-test=order-history]').textContent();
    expect(history).toMatch(/待支付 → 待发货 · 微信支付 · 微信支付通知/);
    expect(history).toMatch(/待发货 → 已发货 · 员工 · 员工发货/);
    await page.screenshot({ path: join(SCREENSHOTS, 'order-detail.png'), fullPage: true });

    // The CSV export of shipped orders: built in the page, downloaded, with the order in yuan and its tracking number.
    await page.click('[data-menu=orders]');
    await page.click('[data-test=order-status-filter]');
    await page.click('.el-select-dropdown__item:has-text("已发货")');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=order-export]')]);
    expect(download.suggestedFilename()).toMatch(/^orders-.*\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^订单号,状态,下单时间/);
    expect(lines.slice(1)).toEqual([expect.stringContaining(`${order.orderNo},已发货,`)]);
    expect(lines[1]).toContain(',176.00,0.00,');
    expect(lines[1]).toContain(`顺丰速运,SF${run}`);

    // The user asks for a refund; staff approve a lower one, typed in yuan: the API refunds it in fen.
    const asked = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token: buyerToken, body: { reason: `茶叶受潮 ${run}`, refundFen: 8800 } });
    expect(asked.status).toBe(201);
    await page.click('[data-menu=afterSales]');
    const request = page.locator(`[data-test=after-sale-table] .el-table__row:has-text("茶叶受潮 ${run}")`);
    await request.waitFor();
    expect(await request.textContent()).toContain('¥88.00');
    await request.locator('[data-test=after-sale-approve]').click();
    await page.fill('[data-test=after-sale-refund]', '88.01');
    await page.click('[data-test=after-sale-submit]');
    await page.waitForSelector('.el-dialog .el-form-item__error:has-text("不能超过")');
    await page.fill('[data-test=after-sale-refund]', '50');
    await page.click('[data-test=after-sale-submit]');
    await page.locator('.el-message--success:has-text("已同意")').waitFor();
    const decided = await requestJson(api(`/api/orders/${order.id}/after-sales`), { token: buyerToken });
    expect(decided.body.items[0]).toMatchObject({ id: asked.body.id, status: expect.stringMatching(/^(approved|refunded)$/), refund: { amountFen: 5000 } });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('the dashboard shows an order whose shipping information WeChat refused, and its link lists that order', async () => {
    const order = await paidOrder();
    const refuse = await requestJson(`${cluster.sandboxUrl}/sandbox/shipping/fail-next`, { body: { count: 1, errcode: 10060031 } });
    expect(refuse.status).toBe(200);
    expect((await requestJson(api(`/api/orders/admin/${order.id}/ship`), { token: staffToken, body: { logisticsType: 'same_city' } })).status).toBe(200);
    await eventually(async () => (await requestJson(api(`/api/orders/admin/${order.id}`), { token: staffToken })).body.shipment?.wechatSync === 'failed');
    const { page, problems } = await openAsAdmin();
    const alert = page.locator('[data-test=dashboard-sync-failures]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('微信发货信息同步失败: 1');
    await page.click('[data-test=dashboard-sync-failures-link]');
    const rows = page.locator('[data-test=order-table] .el-table__row');
    await page.locator(`[data-test=order-table] a:has-text("${order.orderNo}")`).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('[data-test=order-row-sync-failed]').textContent()).toBe('同步失败');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('staff cancel a paid order and refund it through WeChat Pay from its page', async () => {
    const order = await paidOrder();
    const { page, problems } = await openAsAdmin();
    await page.goto(consoleUrl(`orders/${order.id}`));
    await page.click('[data-test=order-refund]');
    const box = page.locator('.el-message-box');
    expect(await box.textContent()).toContain('¥176.00');
    await box.locator('input').fill('缺货');
    await box.locator('.el-button--primary').click();
    await page.locator('[data-test=order-refund-state]').waitFor();
    const seen = await requestJson(api(`/api/orders/${order.id}`), { token: buyerToken });
    expect(seen.body).toMatchObject({ status: 'cancelled', cancelReason: 'refunded_by_staff', refund: { amountFen: 17600 } });
    expect(await page.locator('[data-test=order-history]').textContent()).toMatch(/待发货 → 已取消 · 员工 · 员工退款：缺货/);
    expect(await page.locator('[data-test=order-refund]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('staff generate slots for a date range, see the booking a user made on its day and cancel it', async () => {
    const { page, problems } = await openAsAdmin();
    await page.click('[data-menu=appointments]');
    const name = `理疗室 ${run}`;
    await page.click('[data-test=resource-create]');
    await page.fill('[data-test=resource-name]', name);
    await page.fill('[data-test=resource-kind]', 'room');
    await page.click('[data-test=resource-save]');
    const row = page.locator(`[data-test=resource-table] .el-table__row:has-text("${name}")`);
    await row.waitFor();
    const resources = await requestJson(api('/api/appointments/admin/resources?limit=100'), { token: staffToken });
    const resource = (resources.body.items as { id: string; name: string; kind: string }[]).find((one) => one.name === name);
    expect(resource).toMatchObject({ kind: 'room' });

    const [first, last] = [shopDay(1), shopDay(3)];
    await row.locator('[data-test=slot-generate]').click();
    const dialog = page.locator('[data-test=slot-plan-dialog]');
    await dialog.locator('.el-range-input').nth(0).fill(first);
    await dialog.locator('.el-range-input').nth(1).fill(last);
    await dialog.locator('.el-range-input').nth(1).press('Enter');
    for (const weekday of ['一', '二', '三', '四', '五', '六', '日']) {
      const box = dialog.locator(`[data-test=plan-weekdays] .el-checkbox-button:has-text("${weekday}")`);
      if (!(await box.evaluate((element) => element.classList.contains('is-checked')))) await box.click();
    }
    // 09:00-18:00 in slots of 60 minutes on each of the 3 days.
    await dialog.locator('[data-test=plan-summary]:has-text("将创建 27 个时段，共 3 天（3 次请求）")').waitFor();
    await page.click('[data-test=plan-submit]');
    const result = page.locator('.el-message-box:has-text("已创建 27 个时段")');
    await result.waitFor();
    expect(await result.textContent()).toContain('0 天已有时段');
    await page.click('.el-message-box .el-button--primary');

    const slots = await requestJson(api(`/api/appointments/admin/slots?resourceId=${resource!.id}&date=${first}`), { token: staffToken });
    expect(slots.body.items).toHaveLength(9);
    const booked = await requestJson(api('/api/appointments'), {
      token: buyerToken,
      body: { slotId: slots.body.items[0].id, contact: { name: '预约用户', phone: '13900139000' } },
      headers: { 'idempotency-key': `console-book-${run}` },
    });
    expect(booked.status).toBe(201);

    // The same range again: every day already has its slots (SLOT_EXISTS), none created twice.
    await row.locator('[data-test=slot-generate]').click();
    await dialog.locator('.el-range-input').nth(0).fill(first);
    await dialog.locator('.el-range-input').nth(1).fill(last);
    await dialog.locator('.el-range-input').nth(1).press('Enter');
    await page.click('[data-test=plan-submit]');
    await page.locator('.el-message-box:has-text("已创建 0 个时段；3 天已有时段")').waitFor();
    await page.click('.el-message-box .el-button--primary');

    await row.click();
    const dayInput = page.locator('.page-toolbar .el-date-editor input');
    await dayInput.fill(first);
    await dayInput.press('Enter');
    const booking = page.locator('[data-test=booking-table] .el-table__row:has-text("预约用户")');
    await booking.waitFor();
    expect(await page.locator('[data-test=slot-table]').textContent()).toContain('1/1');
    await page.screenshot({ path: join(SCREENSHOTS, 'appointments.png'), fullPage: true });

    await booking.locator('[data-test=booking-cancel]').click();
    await page.click('.el-message-box .el-button--primary');
    await page.locator('[data-test=booking-table] .el-table__row:has-text("已取消")').waitFor();
    const mine = await requestJson(api(`/api/appointments/${booked.body.id}`), { token: buyerToken });
    expect(mine.body).toMatchObject({ status: 'cancelled', cancelledBy: 'staff' });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('staff create a coupon with amounts typed in yuan (sent in fen) and edit it; the form refuses an end before the start', async () => {
    const { page, problems } = await openAsAdmin();
    await page.click('[data-menu=coupons]');
    const name = `满百减十 ${run}`;
    await page.click('[data-test=coupon-create]');
    const dialog = page.locator('[data-test=coupon-dialog]');
    await page.fill('[data-test=coupon-name]', name);
    await page.fill('[data-test=coupon-amount]', '10');
    await page.fill('[data-test=coupon-min-spend]', '99.90');
    await dialog.locator('[data-test=coupon-total] input').fill('50');
    await dialog.locator('[data-test=coupon-per-user] input').fill('2');
    const [starts, ends] = [dialog.locator('.el-date-editor input').nth(0), dialog.locator('.el-date-editor input').nth(1)];
    await starts.fill(`${shopDay(1)} 00:00:00`);
    await starts.press('Enter');
    await ends.fill(`${shopDay(0)} 00:00:00`);
    await ends.press('Enter');
    await page.click('[data-test=coupon-save]');
    await dialog.locator('.el-form-item__error:has-text("结束时间应晚于开始时间")').waitFor();
    await ends.fill(`${shopDay(31)} 23:59:59`);
    await ends.press('Enter');
    await page.click('[data-test=coupon-save]');
    const row = page.locator(`[data-test=coupon-table] .el-table__row:has-text("${name}")`);
    await row.waitFor();
    expect(await row.textContent()).toContain('减 ¥10.00');
    expect(await row.textContent()).toContain('满 ¥99.90 可用');

    const listed = await requestJson(api('/api/orders/admin/coupons?limit=100'), { token: staffToken });
    const coupon = (listed.body.items as Record<string, unknown>[]).find((one) => one.name === name);
    expect(coupon).toMatchObject({
      kind: 'amount',
      amountFen: 1000,
      percentOff: null,
      minSpendFen: 9990,
      total: 50,
      perUserLimit: 2,
      startsAt: new Date(`${shopDay(1)}T00:00:00+08:00`).toISOString(),
      endsAt: new Date(`${shopDay(31)}T23:59:59+08:00`).toISOString(),
    });

    await row.locator('button:has-text("编辑")').click();
    await page.fill('[data-test=coupon-amount]', '12.5');
    await page.click('[data-test=coupon-save]');
    await row.locator(':text("减 ¥12.50")').waitFor();
    const edited = await requestJson(api(`/api/orders/admin/coupons/${String(coupon!.id)}`), { token: staffToken });
    expect(edited.body).toMatchObject({ amountFen: 1250, minSpendFen: 9990, total: 50 });
    await page.screenshot({ path: join(SCREENSHOTS, 'coupons.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('an admin creates a staff account (which sees no staff menu, cannot open it, and the API refuses), resets its password and disables it', async () => {
    const { page, problems } = await openAsAdmin();
    await page.click('[data-menu=staff]');
    const username = `clerk-${run}`;
    const password = 'clerk-password-long-enough';
    await page.click('[data-test=staff-create]');
    await page.fill('[data-test=staff-username]', username);
    await page.fill('[data-test=staff-password]', 'short');
    await page.click('[data-test=staff-save]');
    await page.waitForSelector('.el-form-item__error:has-text("密码至少 12 位")');
    await page.fill('[data-test=staff-password]', password);
    await page.click('[data-test=staff-save]');
    await page.locator(`[data-test=staff-table] .el-table__row:has-text("${username}")`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'staff.png') });

    const clerk = await openConsolePage(browser);
    await logInToConsole(clerk.page, consoleUrl(), username, password);
    expect(await clerk.page.locator('[data-menu=orders]').count()).toBe(1);
    expect(await clerk.page.locator('[data-menu=staff]').count()).toBe(0);
    await clerk.page.goto(consoleUrl('staff'));
    await clerk.page.waitForURL(/\/admin\/dashboard$/);
    const { origins } = await clerk.page.context().storageState();
    const stored = origins.flatMap((origin) => origin.localStorage).find((entry) => entry.name === 'console.session');
    const clerkToken = (JSON.parse(stored!.value) as { accessToken: string }).accessToken;
    const refused = await requestJson(api('/api/auth/admin/staff'), { token: clerkToken });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    await clerk.page.context().close();

    // A new password: the old one and the clerk's session stop working, the new one logs in.
    const clerkRow = page.locator(`[data-test=staff-table] .el-table__row:has-text("${username}")`);
    await clerkRow.locator('[data-test=staff-reset]').click();
    const newPassword = 'clerk-new-password-long';
    await page.fill('[data-test=staff-new-password]', newPassword);
    await page.click('[data-test=staff-reset-save]');
    await page.locator('.el-message--success:has-text("密码已重置")').waitFor();
    const oldSession = await requestJson(api('/api/auth/admin/staff'), { token: clerkToken });
    expect([oldSession.status, oldSession.body.code]).toEqual([401, 'SESSION_REVOKED']);
    expect((await requestJson(api('/api/auth/admin/login'), { body: { username, password } })).status).toBe(401);
    expect((await requestJson(api('/api/auth/admin/login'), { body: { username, password: newPassword } })).status).toBe(200);

    // Disabled: the account can no longer log in.
    await clerkRow.locator('[data-test=staff-disable]').click();
    await page.click('.el-message-box .el-button--primary');
    await page.locator(`[data-test=staff-table] .el-table__row:has-text("${username}"):has-text("已停用")`).waitFor();
    const login = await requestJson(api('/api/auth/admin/login'), { body: { username, password: newPassword } });
    expect(login.status).toBe(401);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);
});
