/**
 * Swagger UI at /api/docs/ opened as a colleague on the LAN would: over plain HTTP on a
 * name that is not localhost (`tessera.lan`, mapped to 127.0.0.1 inside Chromium), where
 * a policy with `upgrade-insecure-requests` would send every asset to HTTPS and leave a
 * blank page. It shows Tessera's name and mark, logs no policy errors, and behind an
 * HTTPS proxy the policy still upgrades. (Tessera only.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectPageErrors, launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { TARGET } from './helpers/target.js';
import { startTessera } from './helpers/tessera.js';
import type { TesseraServer } from './helpers/tessera.js';

let server: TesseraServer;
let browser: Browser;

beforeAll(async () => {
  if (TARGET === 'reference') return;
  [server, browser] = await Promise.all([
    startTessera({ extraAllowedHosts: ['tessera.lan'], env: { TRUST_PROXY: 'true' } }),
    launchBrowser({ args: ['--host-resolver-rules=MAP tessera.lan 127.0.0.1'] }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(TARGET === 'reference')('API docs (tessera)', () => {
  for (const [size, viewport] of [['desktop', undefined], ['phone', PHONE]] as const) {
    it(`renders over plain HTTP on a LAN name, under Tessera's name, without console errors (${size})`, async () => {
      const context = await newContext(browser, viewport ? { viewport } : {});
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const response = await page.goto(`http://tessera.lan:${server.port}/api/docs/`);
      expect(response?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
      await page.locator('.swagger-ui .info .title').filter({ hasText: 'Tessera' }).waitFor();
      await page.locator('.opblock-summary-path').first().waitFor();
      expect(await page.title()).toBe('Tessera API');
      // The top bar's mark is Tessera's, not Fastify's.
      const logo = await page.locator('.topbar img').getAttribute('src');
      expect(Buffer.from(String(logo).replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString()).toContain('#a5b4fc');
      await expect(page.locator('.topbar').textContent()).resolves.not.toMatch(/fastify/i);
      // Open an operation: its models and examples render with inline styles too.
      await page.locator('.opblock-summary').first().click();
      await page.locator('.opblock-body').first().waitFor();
      await screenshot(page, `api-docs-${size}`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it("the HTML page of an API URL explains how to authenticate and links to the docs", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const response = await page.goto(`${server.appUrl}/api/products/`);
    expect(response?.status()).toBe(401);
    await page.getByRole('heading', { name: 'Authenticating' }).waitFor();
    await expect(page.locator('body').textContent()).resolves.toContain('Authorization: Token <key>');
    await expect(page.locator('body').textContent()).resolves.toContain('POST /api/token-auth/');
    await screenshot(page, 'api-html-page');
    await page.getByRole('link', { name: '/api/docs/', exact: true }).click();
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Tessera' }).waitFor();
    await context.close();
  });

  it('still upgrades insecure requests for a page served over HTTPS by a proxy', async () => {
    const response = await fetch(`${server.apiUrl}/api/docs/`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    const plain = await fetch(`${server.apiUrl}/api/docs/`);
    expect(plain.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
