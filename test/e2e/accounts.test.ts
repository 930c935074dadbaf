/**
 * The accounts in Chromium against `npm start`'s server, on SQLite and on PostgreSQL: sign up, open the activation link
 * from the e-mail in the outbox, sign in, change the password, log out, reset the password
 * through a second e-mail and sign in with the new one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectPageErrors, launchBrowser, newContext, screenshot } from './helpers/browser.js';
import { signIn } from './helpers/flows.js';
import { startTessera, type TesseraServer } from './helpers/tessera.js';
import { DIALECTS } from '../helpers/database.js';

describe.each(DIALECTS)('accounts in the browser on %s', (dialect) => {
  const outbox = mkdtempSync(join(tmpdir(), 'tessera-e2e-outbox-'));
  let server: TesseraServer;
  let browser: Browser;

  beforeAll(async () => {
    const env = { EMAIL_OUTBOX: outbox, ACCOUNT_REQUESTS_ALLOWED: '1000' };
    [server, browser] = await Promise.all([startTessera({ dialect, env }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(outbox, { recursive: true, force: true });
  });

  /** The link of the newest e-mail to `to` that has one of this kind, waiting for it. */
  async function linkFromOutbox(to: string, kind: string, seen: ReadonlySet<string> = new Set()): Promise<{ url: string; file: string }> {
    for (let attempt = 0; attempt < 100; attempt++) {
      for (const file of readdirSync(outbox).filter((name) => name.endsWith('.eml') && !seen.has(name)).sort().reverse()) {
        const text = readFileSync(join(outbox, file), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        const match = new RegExp(`https?://[^\\s"<]+/${kind}/[A-Za-z0-9_-]+/[A-Za-z0-9-]+`).exec(text);
        if (text.includes(`To: ${to}`) && match !== null) return { url: match[0], file };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no e-mail to ${to} with a /${kind}/ link`);
  }

  describe('accounts (tessera)', () => {
    it('signs up, activates, changes and resets the password, with the e-mails from the outbox', async () => {
      const context = await newContext(browser);
      const page = await context.newPage();
      const errors = collectPageErrors(page);

      await page.goto(`${server.appUrl}/login`);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(/\/signup$/);
      // The server's messages beside the fields.
      await page.getByLabel('Username').fill('nora');
      await page.getByLabel('E-mail address').fill('nora@example.com');
      await page.getByLabel('Password').fill('12345678');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText('This password is too common.').waitFor();
      await page.getByText('This password is entirely numeric.').waitFor();
      await page.getByLabel('Password').fill('Sturdy-Pass-42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await screenshot(page, 'accounts-01-check-inbox');

      const activation = await linkFromOutbox('nora@example.com', 'activate');
      expect(activation.url.startsWith(`${server.appUrl}/activate/`)).toBe(true);
      await page.goto(activation.url);
      await page.getByText('Your account is active. You can sign in now.').waitFor();

      await signIn(page, server.appUrl, 'nora', 'Sturdy-Pass-42');
      await page.getByRole('link', { name: 'Account' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await page.getByText('nora@example.com').waitFor();
      await page.getByLabel('Current password', { exact: true }).fill('wrong');
      await page.getByLabel('New password', { exact: true }).fill('Second-Pass-43');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Invalid password.').waitFor();
      await page.getByLabel('Current password', { exact: true }).fill('Sturdy-Pass-42');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Your password is changed.').waitFor();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login/);

      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('E-mail address').fill('nora@example.com');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText(/an e-mail with a link is on its way/).waitFor();
      const reset = await linkFromOutbox('nora@example.com', 'password-reset', new Set([activation.file]));
      await page.goto(reset.url);
      await page.getByLabel('New password', { exact: true }).fill('Third-Pass-44');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await page.getByText('Your password is changed. Sign in with the new one.').waitFor();
      // The link works once.
      await page.goto(reset.url);
      await page.getByLabel('New password', { exact: true }).fill('Fourth-Pass-45');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await page.getByText(/Invalid token for given user\. Ask for a new link\./).waitFor();

      await signIn(page, server.appUrl, 'nora', 'Third-Pass-44');
      expect(errors.filter((line) => !/Failed to load resource: the server responded with a status of (400|401|403)/.test(line))).toEqual([]);
      await context.close();
    }, 120_000);
  });
});
