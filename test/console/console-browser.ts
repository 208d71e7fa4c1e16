import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContextOptions, chromium, Page } from 'playwright-core';

/** Where the e2e runs write their screenshots (gitignored; a few are copied to docs/console/ by hand). */
export const SCREENSHOTS = join(__dirname, '../../reports/console');

/** Debian's Chromium, headless: `npx playwright install` cannot download a browser here. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * A fresh browser context (its own localStorage) at `width` px in zh-CN and the shop's time zone, collecting page
 * errors and CSP violations in `problems` for the test to check.
 */
export async function openConsolePage(browser: Browser, options: BrowserContextOptions & { width?: number } = {}): Promise<{ page: Page; problems: string[] }> {
  const { width = 1280, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...contextOptions });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  return { page, problems };
}

/** Logs in on the console's login page at `consoleUrl` and waits for the dashboard. */
export async function logInToConsole(page: Page, consoleUrl: string, username: string, password: string): Promise<void> {
  await page.goto(consoleUrl);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=dashboard-low-stock]');
}
