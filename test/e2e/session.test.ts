/**
 * When the token stops working while a page is open (revoked from the command line, or a
 * superuser resetting their own key in the admin), nothing typed is lost: the app asks
 * for the password in place and carries on, or adopts the new key. (Tessera only: the
 * reference has no `tessera` command line and no admin API.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchBrowser, newContext, screenshot } from './helpers/browser.js';
import { signIn, storedToken } from './helpers/flows.js';
import { TARGET } from './helpers/target.js';
import { startTessera } from './helpers/tessera.js';
import type { TesseraServer } from './helpers/tessera.js';

let server: TesseraServer;
let browser: Browser;

beforeAll(async () => {
  if (TARGET === 'reference') return;
  [server, browser] = await Promise.all([startTessera(), launchBrowser()]);
  await server.createUser('alice', 'alicepass123');
  await server.manage(['createsuperuser', '--no-input'], {
    DJANGO_SUPERUSER_USERNAME: 'boss',
    DJANGO_SUPERUSER_PASSWORD: 'boss-password-1',
    DJANGO_SUPERUSER_EMAIL: 'boss@example.com',
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function freshPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await (await newContext(browser)).newPage();
  return { page, errors: collectPageErrors(page) };
}

const unexpected = (errors: string[]) => errors.filter((line) => !/status of (400|401|403|404)/.test(line));

describe.skipIf(TARGET === 'reference')('a session that ends while a page is open (tessera)', () => {
  it('keeps a filled-in product form when the token is revoked from the CLI, and saves it after signing in again', async () => {
    const { page, errors } = await freshPage();
    await signIn(page, server.appUrl, 'alice', 'alicepass123');
    await page.getByRole('button', { name: 'New product' }).first().click();
    const form = page.getByRole('dialog', { name: 'New product' });
    await form.getByLabel('Name').fill('Stapler');
    await form.getByLabel('Price').fill('4.20');
    await server.manage(['token', 'revoke', 'alice']);

    await form.getByRole('button', { name: 'Create product' }).click();
    const again = page.getByRole('dialog', { name: 'Sign in again' });
    await again.waitFor();
    await expect(again.textContent()).resolves.toContain('your token was revoked or replaced');
    await expect(again.textContent()).resolves.toContain('alice');
    await screenshot(page, 'session-01-sign-in-again');
    await again.getByLabel('Password').fill('alicepass123');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.waitFor({ state: 'detached' });
    await page.getByText('Created “Stapler”.').waitFor();
    await page.getByRole('rowheader', { name: 'Stapler' }).waitFor();
    expect(unexpected(errors)).toEqual([]);
  });

  it('shows a superuser who resets their own token the key, then carries on with the new key', async () => {
    const { page, errors } = await freshPage();
    await signIn(page, server.appUrl, 'boss', 'boss-password-1');
    const oldKey = (await storedToken(page)).session;
    await page.goto(`${server.appUrl}/admin/users`);
    const row = page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'boss', exact: true }) });
    await row.getByRole('button', { name: 'Reset token for boss' }).click();
    await page.getByRole('alertdialog', { name: 'Reset token?' }).getByRole('button', { name: 'Reset token' }).click();
    const shown = page.getByRole('dialog', { name: 'New token for boss' });
    await shown.waitFor();
    const newKey = (await shown.getByTestId('new-key').textContent())?.trim();
    expect(newKey).toMatch(/^[0-9a-f]{40}$/);
    await screenshot(page, 'session-02-own-new-key');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    await page.getByRole('rowheader', { name: 'boss' }).waitFor();
    expect(page.url()).toMatch(/\/admin\/tokens/);
    await expect(page.getByRole('dialog', { name: 'Sign in again' }).count()).resolves.toBe(0);
    expect((await storedToken(page)).session).toBe(newKey);
    expect(newKey).not.toBe(oldKey);
    expect(unexpected(errors)).toEqual([]);
  });
});
