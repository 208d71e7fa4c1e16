import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { requestJson } from '#libs/testing';
import { jpeg } from '../../apps/upload/test/upload-fixtures';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, signClusterToken, sleep } from '../cluster/cluster-fixture';
import { launchChromium, logInToConsole, openConsolePage, SCREENSHOTS } from './console-browser';

const STAFF = { username: 'console-admin', password: 'console-admin-password' };
const run = Date.now().toString(36);

/**
 * The staff console in headless Chromium against a real cluster, through HAProxy at /admin/: the pages a staff member
 * uses, the API they call, and what a WeChat user's token gets.
 */
describe('staff console in a real browser (Chromium through HAProxy)', () => {
  let cluster: LocalCluster;
  let browser: Browser;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const consoleUrl = (path = '') => `${cluster.publicUrl}/admin/${path}`;

  const openPage = (width = 1280) => openConsolePage(browser, { width });
  const logIn = (page: Page) => logInToConsole(page, consoleUrl(), STAFF.username, STAFF.password);

  // The root tsconfig has no DOM types: code run in the page is given as text. page.evaluate runs it through the
  // DevTools protocol; waitForFunction would eval it in the page, which the console's CSP refuses, hence this poll.
  async function untilTrue(page: Page, expression: string, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(expression))) {
      if (Date.now() > deadline) throw new Error(`not true in time: ${expression}`);
      await sleep(100);
    }
  }
  const readSession = async (page: Page) =>
    JSON.parse((await page.evaluate<string | null>("localStorage.getItem('console.session')")) ?? 'null') as {
      accessToken: string;
      refreshToken: string;
    } | null;
  const writeSession = (page: Page, session: object) => page.evaluate(`localStorage.setItem('console.session', ${JSON.stringify(JSON.stringify(session))})`);

  beforeAll(async () => {
    cluster = createTestCluster(
      { auth: 1, catalog: 1, orders: 1, upload: 1 },
      { ADMIN_BOOTSTRAP_USERNAME: STAFF.username, ADMIN_BOOTSTRAP_PASSWORD: STAFF.password },
    );
    await cluster.start();
    browser = await launchChromium();
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  }, 60000);

  it('serves the console through HAProxy: index.html never cached with the strict CSP, hashed assets for a year, client routes', async () => {
    const index = await fetch(consoleUrl('products/01JD3QZ7X9V2W8K4M6N0P1R5ST'));
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self';.*frame-ancestors 'none'/);
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/admin\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const reply = await fetch(api(asset));
      expect({ asset, status: reply.status, cache: reply.headers.get('cache-control') }).toEqual({
        asset,
        status: 200,
        cache: 'public, max-age=31536000, immutable',
      });
      await reply.arrayBuffer();
    }
    // Every script and style comes from our build: nothing from another origin.
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });

  it('shows a wrong password in words, then logs a staff member in to the dashboard', async () => {
    const { page, problems } = await openPage();
    await page.goto(consoleUrl());
    await page.fill('input[name=username]', STAFF.username);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('[data-test=login-submit]');
    await expect(page.locator('[data-test=login-error]').textContent()).resolves.toContain('用户名或密码错误');
    expect(await page.locator('[data-test=login-error]').textContent()).not.toMatch(/INVALID_CREDENTIALS|\{|statusCode/);
    await page.fill('input[name=password]', STAFF.password);
    await page.click('[data-test=login-submit]');
    await page.waitForSelector('[data-test=dashboard-low-stock]');
    expect(new URL(page.url()).pathname).toBe('/admin/dashboard');
    expect(await page.locator('[data-test=current-staff]').textContent()).toContain(STAFF.username);
    await page.waitForSelector('[data-test=dashboard-ordersToday] .el-statistic');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png') });
    // The English switch.
    await page.click('.console-locale');
    await page.click('.el-select-dropdown__item:has-text("English")');
    await expect(page.locator('[data-menu=products]').textContent()).resolves.toContain('Products');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60000);

  it('creates a category and a product with two SKUs and an uploaded image: the API lists it and its image loads in the page', async () => {
    const { page, problems } = await openPage();
    await logIn(page);
    const categoryName = `Console tea ${run}`;
    await page.click('[data-menu=categories]');
    await page.click('[data-test=category-add-root]');
    await page.fill('.el-message-box input', categoryName);
    await page.click('.el-message-box .el-button--primary');
    await page.waitForSelector(`[data-category="${categoryName}"]`);

    await page.click('[data-menu=products]');
    await page.click('[data-test=product-create]');
    await page.waitForSelector('[data-test=product-form]');
    const title = `Console Longjing ${run}`;
    await page.fill('input[name=title]', title);
    await page.click('[data-test=product-category]');
    await page.click(`.el-tree-select__popper .el-tree-node__content:has-text("${categoryName}")`);
    await page.setInputFiles('[data-test=image-drop] input[type=file]', { name: 'tea.jpg', mimeType: 'image/jpeg', buffer: await jpeg(640, 480) });
    await page.waitForSelector('[data-test=uploaded-image] img');
    await page.click('[data-test=sku-add]');
    const rows = page.locator('[data-test=sku-row]');
    for (const [index, [name, price, stock]] of [
      ['250 g', '88', '50'],
      ['500 g', '168.80', '5'],
    ].entries()) {
      await rows.nth(index).locator('[data-test=sku-name]').fill(name);
      await rows.nth(index).locator('[data-test=sku-price]').fill(price);
      await rows.nth(index).locator('[data-test=sku-stock] input').fill(stock);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'product-edit.png'), fullPage: true });
    await page.click('[data-test=product-save]');
    await page.waitForURL(/\/admin\/products\/[0-9A-Z]{26}$/);
    const productId = new URL(page.url()).pathname.split('/').pop()!;

    const listed = await requestJson(api(`/api/catalog/products?q=${encodeURIComponent('Longjing')}&limit=100`));
    const item = (listed.body.items as { id: string; title: string; priceFen: number; coverImage: string }[]).find((row) => row.id === productId);
    expect(item).toMatchObject({ title, priceFen: 8800, coverImage: expect.stringMatching(/^\/api\/uploads\/[0-9A-Z]{26}\/content$/) });
    const detail = await requestJson(api(`/api/catalog/products/${productId}`));
    expect(detail.body.skus.map((sku: { name: string; priceFen: number; stock: number }) => [sku.name, sku.priceFen, sku.stock])).toEqual([
      ['250 g', 8800, 50],
      ['500 g', 16880, 5],
    ]);

    await page.click('[data-menu=products]');
    await page.fill('[data-test=product-search]', run);
    await page.keyboard.press('Enter');
    const cover = `document.querySelector('[data-test=product-table] .el-image img')`;
    await untilTrue(page, `Boolean(${cover}?.complete && ${cover}.naturalWidth > 0)`);
    expect(await page.evaluate(`[${cover}.naturalWidth, ${cover}.naturalHeight]`)).toEqual([640, 480]);
    expect(await page.locator('[data-test=product-table]').textContent()).toContain('¥88.00');
    await page.screenshot({ path: join(SCREENSHOTS, 'products.png') });

    // Off sale: gone from the users' list, still in the staff's list under "off sale".
    await page.click('[data-test=product-table] button:has-text("下架")');
    await page.waitForSelector('[data-test=product-table] .el-tag:has-text("已下架")');
    const after = await requestJson(api(`/api/catalog/products?q=${encodeURIComponent('Longjing')}&limit=100`));
    expect((after.body.items as { id: string }[]).map((row) => row.id)).not.toContain(productId);

    // An error the API answers is shown in words: a category that still has a product cannot be deleted (409 CONFLICT).
    await page.click('[data-menu=categories]');
    await page.click(`[data-category="${categoryName}"] button:has-text("删除")`);
    await page.click('.el-message-box .el-button--primary');
    const message = page.locator('.el-message--error');
    await message.waitFor();
    expect(await message.textContent()).toContain('数据已被修改或与现有数据冲突');
    expect(await message.textContent()).not.toMatch(/CONFLICT|\{|statusCode|requestId/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120000);

  it('publishes an article with an image in its body and a banner with an uploaded image: the home page carries both', async () => {
    const { page, problems } = await openPage();
    await logIn(page);
    await page.click('[data-menu=articles]');
    await page.click('[data-test=article-create]');
    await page.fill('input[name=article-title]', `Brewing ${run}`);
    await page.fill('textarea[name=article-body]', 'Water at 80 °C. ');
    await page.setInputFiles('[data-test=article-form] .article-insert input[type=file]', {
      name: 'cup.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg(320, 240),
    });
    await untilTrue(page, "document.querySelector('textarea[name=article-body]').value.includes('/api/uploads/')");
    await page.click('[data-test=article-save]');
    await page.waitForSelector(`[data-test=article-table] .el-table__row:has-text("Brewing ${run}")`);

    await page.click('[data-menu=banners]');
    await page.click('[data-test=banner-create]');
    await page.fill('input[name=banner-title]', `Spring ${run}`);
    await page.setInputFiles('[data-test=banner-form] [data-test=image-drop] input[type=file]', {
      name: 'b.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg(750, 320),
    });
    await page.waitForSelector('[data-test=banner-form] [data-test=uploaded-image] img');
    await page.click('[data-test=banner-save]');
    await page.waitForSelector(`[data-test=banner-table] .el-table__row:has-text("Spring ${run}")`);

    const home = (await requestJson(api('/api/catalog/home'))).body;
    expect(home.banners).toContainEqual(
      expect.objectContaining({ title: `Spring ${run}`, image: expect.stringMatching(/^\/api\/uploads\/[0-9A-Z]{26}\/content$/) }),
    );
    const article = (home.articles as { id: string; title: string }[]).find((row) => row.title === `Brewing ${run}`);
    expect(article).toBeDefined();
    const detail = await requestJson(api(`/api/catalog/articles/${article!.id}`));
    expect(detail.body.body).toMatch(/^Water at 80 °C\. !\[cup\.jpg\]\(\/api\/uploads\/[0-9A-Z]{26}\/content\)$/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 90000);

  it('lists a draft article and an inactive banner, which users do not see, and publishes the draft from its row', async () => {
    const { page, problems } = await openPage();
    await logIn(page);
    const home = async () => (await requestJson(api('/api/catalog/home'))).body as { articles: { title: string }[]; banners: { title: string }[] };
    await page.click('[data-menu=articles]');
    await page.click('[data-test=article-create]');
    await page.fill('input[name=article-title]', `Draft ${run}`);
    await page.fill('textarea[name=article-body]', 'Not yet.');
    await page.click('[data-test=article-form] .el-switch');
    await page.click('[data-test=article-save]');
    const draft = page.locator(`[data-test=article-table] .el-table__row:has-text("Draft ${run}")`);
    await draft.locator('[data-test=article-draft]').waitFor();
    expect((await home()).articles.map((article) => article.title)).not.toContain(`Draft ${run}`);
    await draft.locator('button:has-text("编辑")').click();
    await page.waitForSelector('[data-test=article-form] .el-switch:not(.is-checked)');
    expect(await page.inputValue('textarea[name=article-body]')).toBe('Not yet.');
    await page.click('[data-test=article-form] .el-switch');
    await page.click('[data-test=article-save]');
    await draft.locator('.el-tag--success').waitFor();
    expect((await home()).articles.map((article) => article.title)).toContain(`Draft ${run}`);

    await page.click('[data-menu=banners]');
    await page.click('[data-test=banner-create]');
    await page.fill('input[name=banner-title]', `Hidden ${run}`);
    await page.setInputFiles('[data-test=banner-form] [data-test=image-drop] input[type=file]', {
      name: 'h.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg(750, 320),
    });
    await page.waitForSelector('[data-test=banner-form] [data-test=uploaded-image] img');
    await page.click('[data-test=banner-form] .el-switch');
    await page.click('[data-test=banner-save]');
    await page.locator(`[data-test=banner-table] .el-table__row:has-text("Hidden ${run}") [data-test=banner-inactive]`).waitFor();
    expect((await home()).banners.map((banner) => banner.title)).not.toContain(`Hidden ${run}`);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 90000);

  it("does not open for a WeChat user's token: the console drops it and shows the login page", async () => {
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: `console:${run}` } });
    expect(login.status).toBe(200);
    const { page } = await openPage();
    await page.goto(consoleUrl('login'));
    await writeSession(page, {
      accessToken: login.body.accessToken,
      refreshToken: login.body.refreshToken,
      staff: { id: 'x', username: 'u', role: 'admin', disabled: false, createdAt: '' },
    });
    await page.goto(consoleUrl('products'));
    await page.waitForSelector('[data-test=login-submit]');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await readSession(page)).toBeNull();
    // The API refuses that token on the staff routes whatever the console does.
    const direct = await requestJson(api('/api/catalog/admin/products'), { token: login.body.accessToken });
    expect([direct.status, direct.body.code]).toEqual([403, 'FORBIDDEN']);
    await page.context().close();
  }, 60000);

  it('renews an expired session through the refresh token, and goes back to login when the token is not valid', async () => {
    const { page } = await openPage();
    await logIn(page);
    const session = (await readSession(page))!;
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString()) as { sub: string; sid: string; roles: string[] };
    const expired = await signClusterToken(cluster, {
      subject: claims.sub,
      sessionId: claims.sid,
      kind: 'staff',
      roles: claims.roles,
      expiresAt: Math.floor(Date.now() / 1000) - 60,
    });
    expect((await requestJson(api('/api/catalog/admin/products'), { token: expired })).body.code).toBe('TOKEN_EXPIRED');
    await writeSession(page, { ...session, accessToken: expired });
    const listed = page.waitForResponse((response) => response.url().includes('/api/catalog/admin/products?') && response.status() === 200);
    await page.click('[data-menu=products]');
    await listed;
    const renewed = (await readSession(page))!;
    expect(renewed.accessToken).not.toBe(expired);
    expect(renewed.refreshToken).not.toBe(session.refreshToken);
    expect(new URL(page.url()).pathname).toBe('/admin/products');

    const [header, payload] = renewed.accessToken.split('.');
    await writeSession(page, { ...renewed, accessToken: `${header}.${payload}.bm90LXRoZS1zaWduYXR1cmU` });
    await page.click('[data-menu=dashboard]');
    await page.waitForSelector('[data-test=login-submit]');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/dashboard');
    expect(await readSession(page)).toBeNull();
    await page.context().close();
  }, 60000);

  it('is usable on a phone: the menu is a drawer opened from the header', async () => {
    const { page, problems } = await openPage(390);
    await logIn(page);
    expect(await page.locator('.console-aside').count()).toBe(0);
    await page.click('.console-header button[aria-label]');
    await page.click('.el-drawer [data-menu=products]');
    await page.waitForSelector('[data-test=product-table]');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'products-phone.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60000);
});
