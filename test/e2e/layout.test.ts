/**
 * Every page at 1280×800 and 390×844 on a server with real-looking data (long usernames
 * and emails, several products, audit entries, per-device tokens): no page scrolls
 * sideways, the users table shows every button of every row at 1280 px, usernames are
 * not broken mid-word, and the admin tabs are all visible on a phone. A screenshot of
 * each page at each size is saved to test-results/screenshots/layout-*.png. (Tessera only:
 * the admin and the per-device tokens are Tessera's.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, DESKTOP, launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { signIn } from './helpers/flows.js';
import { TARGET } from './helpers/target.js';
import { startTessera } from './helpers/tessera.js';
import type { TesseraServer } from './helpers/tessera.js';

let server: TesseraServer;
let browser: Browser;

const USERS = ['margaret.hamilton', 'grace-hopper', 'alan_turing_1912', 'ada', 'katherine.johnson.nasa'];

async function login(username: string, password: string, device: string): Promise<string> {
  const response = await fetch(`${server.apiUrl}/api/token-auth/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, device }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  if (TARGET === 'reference') return;
  [server, browser] = await Promise.all([startTessera({ env: { TOKEN_MODE: 'per-device' } }), launchBrowser()]);
  await server.manage(['createsuperuser', '--no-input'], {
    DJANGO_SUPERUSER_USERNAME: 'boss',
    DJANGO_SUPERUSER_PASSWORD: 'boss-password-1',
    DJANGO_SUPERUSER_EMAIL: 'the.boss.of.everything@example-company.co.uk',
  });
  for (const name of USERS) await server.createUser(name, `${name}-password`);
  await server.createUser('plain', 'plain-password');
  const key = await login('boss', 'boss-password-1', 'Work laptop (Firefox on Linux)');
  await login('boss', 'boss-password-1', 'Phone');
  for (const name of USERS.slice(0, 3)) await login(name, `${name}-password`, `${name}'s tablet`);
  for (const [index, name] of ['Stapler', 'Fountain pen with a very long name indeed', 'Notebook', 'Desk lamp'].entries()) {
    const response = await fetch(`${server.apiUrl}/api/admin/products/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Token ${key}` },
      body: JSON.stringify({ name, description: index === 1 ? 'Refillable, with a medium nib and a converter; comes in a case. '.repeat(3) : 'Useful', price: `${index + 3}.50` }),
    });
    expect(response.status).toBe(201);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PAGES = [
  { path: '/products', heading: 'Products', name: 'products' },
  { path: '/devices', heading: 'Devices', name: 'devices' },
  { path: '/admin/users', heading: 'Users', name: 'admin-users' },
  { path: '/admin/tokens', heading: 'Tokens', name: 'admin-tokens' },
  { path: '/admin/products', heading: 'Products', name: 'admin-products' },
  { path: '/admin/audit-log', heading: 'Audit log', name: 'admin-audit-log' },
  { path: '/no-such-page', heading: 'Page not found', name: 'not-found' },
] as const;

/** How far the page scrolls sideways, and every element wider than its frame. */
async function sidewaysOverflow(page: Page): Promise<{ page: number; clipped: string[] }> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: any; innerWidth: number }).document;
    const width = (globalThis as unknown as { innerWidth: number }).innerWidth;
    const clipped: string[] = [];
    for (const element of doc.querySelectorAll('main *, header *, nav *')) {
      const style = (globalThis as any).getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || style.visibility === 'hidden' || element.closest('.visually-hidden')) continue;
      if (rect.right > width + 0.5 || rect.left < -0.5) clipped.push(`${element.tagName.toLowerCase()}.${element.className} "${String(element.textContent).trim().slice(0, 40)}" ${Math.round(rect.left)}..${Math.round(rect.right)}`);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && element.scrollWidth > element.clientWidth + 1) clipped.push(`scrolls: ${element.tagName.toLowerCase()}.${element.className}`);
    }
    return { page: doc.documentElement.scrollWidth - width, clipped: clipped.slice(0, 10) };
  });
}

describe.skipIf(TARGET === 'reference')('layout at 1280 px and 390 px (tessera)', () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`no page scrolls sideways or clips anything (${size})`, async () => {
      const context = await newContext(browser, { viewport });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${server.appUrl}/login`);
      // The first page of a fresh context on a busy machine can take a while.
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: 30_000 });
      expect(await sidewaysOverflow(page)).toEqual({ page: 0, clipped: [] });
      await screenshot(page, `layout-login-${size}`);
      await signIn(page, server.appUrl, 'boss', 'boss-password-1');
      for (const target of PAGES) {
        await page.goto(`${server.appUrl}${target.path}`);
        await page.getByRole('heading', { level: 1, name: target.heading }).waitFor();
        await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => {});
        await page.waitForLoadState('networkidle');
        const overflow = await sidewaysOverflow(page);
        expect({ path: target.path, sideways: overflow.page, clipped: overflow.clipped }).toEqual({ path: target.path, sideways: 0, clipped: [] });
        await screenshot(page, `layout-${target.name}-${size}`);
      }
      expect(errors.filter((line) => !/status of 404/.test(line))).toEqual([]);
      await context.close();
    });
  }

  it('shows every button of every row of the users table at 1280 px, and whole usernames', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, server.appUrl, 'boss', 'boss-password-1');
    await page.goto(`${server.appUrl}/admin/users`);
    await page.getByRole('rowheader', { name: 'katherine.johnson.nasa' }).waitFor();
    const result = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const frame = doc.querySelector('.table-wrap').getBoundingClientRect();
      const outside = [...doc.querySelectorAll('tbody .button')].filter((button: any) => {
        const rect = button.getBoundingClientRect();
        return rect.right > frame.right + 0.5 || rect.left < frame.left - 0.5;
      }).length;
      // A username on more than one line was broken mid-word.
      const broken = [...doc.querySelectorAll('tbody th')].filter((cell: any) => {
        const range = doc.createRange();
        range.selectNodeContents(cell.firstChild);
        return range.getClientRects().length > 1;
      }).map((cell: any) => cell.firstChild.textContent);
      return { outside, broken, buttons: doc.querySelectorAll('tbody .button').length };
    });
    expect(result.buttons).toBeGreaterThan(10);
    expect({ outside: result.outside, broken: result.broken }).toEqual({ outside: 0, broken: [] });
    await context.close();
  });

  it('shows every admin tab on a phone', async () => {
    const context = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await signIn(page, server.appUrl, 'boss', 'boss-password-1');
    await page.goto(`${server.appUrl}/admin/users`);
    const tabs = page.getByRole('navigation', { name: 'Admin' }).getByRole('link');
    await tabs.first().waitFor();
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    await context.close();
  });
});
