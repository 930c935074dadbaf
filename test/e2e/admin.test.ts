/**
 * The admin pages in Chromium against a started Tessera on a fresh database: a superuser
 * made with `tessera createsuperuser --no-input` signs in, finds a user, resets their token
 * (the new key shown once), deactivates them, and both the old key and the new one are
 * refused; deletes and revokes ask first; products are managed with the server's
 * validation; the audit log shows what happened; a user who is not staff
 * is kept out. (Tessera only: the DRF reference has Django's admin instead.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, docsScreenshot, launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { signIn } from './helpers/flows.js';
import type { PageDocument } from './helpers/page-globals.js';
import { TARGET } from './helpers/target.js';
import { startTessera } from './helpers/tessera.js';
import type { TesseraServer } from './helpers/tessera.js';

declare const document: PageDocument;

let server: TesseraServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let aliceOldKey: string;

async function login(username: string, password: string): Promise<string> {
  const response = await fetch(`${server.apiUrl}/api/token-auth/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function apiAs(token: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.apiUrl}${path}`, { headers: { Authorization: `Token ${token}` } });
  return { status: response.status, body: await response.json() };
}

function row(username: string) {
  return page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: username, exact: true }) });
}

beforeAll(async () => {
  if (TARGET === 'reference') return;
  [server, browser] = await Promise.all([startTessera(), launchBrowser()]);
  await server.manage(['createsuperuser', '--no-input'], {
    DJANGO_SUPERUSER_USERNAME: 'boss',
    DJANGO_SUPERUSER_PASSWORD: 'boss-password-1',
    DJANGO_SUPERUSER_EMAIL: 'boss@example.com',
  });
  await server.createUser('alice', 'alicepass123');
  await server.createUser('bob', 'bobpass1234');
  aliceOldKey = await login('alice', 'alicepass123');
  const context = await newContext(browser);
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(TARGET === 'reference')('admin (tessera)', () => {
  it('lets a superuser made with createsuperuser open the admin from the header', async () => {
    await signIn(page, server.appUrl, 'boss', 'boss-password-1');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(/\/admin\/users$/);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await row('alice').waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(3);
    await screenshot(page, 'admin-01-users');
    await docsScreenshot(page, 'admin-users');
  });

  it('finds a user by searching', async () => {
    await page.getByLabel('Search users').fill('ali');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await row('alice').waitFor();
    await expect(page.getByRole('navigation', { name: 'Pages' }).textContent()).resolves.toContain('1 user · page 1 of 1');
  });

  it("resets the user's token after a confirmation and shows the new key once", async () => {
    await row('alice').getByRole('button', { name: 'Reset token for alice' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Reset token?' });
    await confirm.waitFor();
    await screenshot(page, 'admin-02-reset-confirm');
    await confirm.getByRole('button', { name: 'Reset token' }).click();
    const shown = page.getByRole('dialog', { name: 'New token for alice' });
    await shown.waitFor();
    const newKey = (await shown.getByTestId('new-key').textContent())?.trim() ?? '';
    expect(newKey).toMatch(/^[0-9a-f]{40}$/);
    expect(newKey).not.toBe(aliceOldKey);
    await screenshot(page, 'admin-03-new-key');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const old = await apiAs(aliceOldKey, '/api/products/');
    expect(old).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
    expect((await apiAs(newKey, '/api/products/')).status).toBe(200);

    // The key was shown once: nowhere on the pages that follow.
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    await row('alice').waitFor();
    await expect(row('alice').textContent()).resolves.toContain(`${newKey.slice(0, 6)}…`);
    await expect(page.content()).resolves.not.toContain(newKey);
    await screenshot(page, 'admin-04-tokens');
    (globalThis as { aliceNewKey?: string }).aliceNewKey = newKey;
  });

  it('deactivates the user; their token is refused at once', async () => {
    const newKey = (globalThis as { aliceNewKey?: string }).aliceNewKey!;
    await page.getByRole('link', { name: 'Users' }).click();
    await row('alice').waitFor();
    await row('alice').getByRole('button', { name: 'Edit alice' }).click();
    const form = page.getByRole('dialog', { name: 'Edit user alice' });
    await form.waitFor();
    await form.getByLabel('Active').uncheck();
    await screenshot(page, 'admin-05-edit-user');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await expect(page.getByRole('status').filter({ hasText: 'Saved changes' }).textContent()).resolves.toContain('Saved changes to alice.');
    // The list is reloaded from the server after the save.
    await expect.poll(() => row('alice').locator('td[data-label="Status"]').textContent()).toBe('Inactive');

    const refused = await apiAs(newKey, '/api/products/');
    expect(refused).toEqual({ status: 401, body: { detail: 'User inactive or deleted.' } });
  });

  it('shows validation messages from the server beside the fields', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await form.waitFor();
    await form.getByLabel('Username').fill('alice');
    await form.getByLabel('Password', { exact: true }).fill('12345678');
    await form.getByLabel('Password (again)').fill('12345678');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText('A user with that username already exists.').waitFor();
    await form.getByText('This password is entirely numeric.').waitFor();
    await screenshot(page, 'admin-06-user-errors');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it('asks before deleting, and deletes', async () => {
    await page.getByLabel('Search users').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await row('bob').waitFor();
    await row('bob').getByRole('button', { name: 'Delete bob' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete user?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row('bob').waitFor();
    await row('bob').getByRole('button', { name: 'Delete bob' }).click();
    await page.getByRole('alertdialog', { name: 'Delete user?' }).getByRole('button', { name: 'Delete' }).click();
    await row('bob').waitFor({ state: 'detached' });
  });

  it('records all of it in the audit log', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const actions = async () => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    await expect.poll(actions).toEqual(expect.arrayContaining(['user_deleted', 'user_updated', 'token_reset', 'login']));
    await page.getByLabel('Action').selectOption('user_updated');
    await expect.poll(actions).toEqual(['user_updated']);
    await expect(page.locator('tbody tr').first().textContent()).resolves.toContain('is_active: true → false');
    await screenshot(page, 'admin-07-audit-log');
  });

  it('asks before revoking a token, and the revoked key is refused', async () => {
    await server.createUser('dave', 'davepass1234');
    const daveKey = await login('dave', 'davepass1234');
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tokens' }).waitFor();
    await row('dave').waitFor();
    await row('dave').getByRole('button', { name: 'Revoke the token of dave' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke token?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    // Cancelled: nothing happened.
    expect((await apiAs(daveKey, '/api/products/')).status).toBe(200);
    await row('dave').getByRole('button', { name: 'Revoke the token of dave' }).click();
    await confirm.waitFor();
    await screenshot(page, 'admin-10-revoke-confirm');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await row('dave').waitFor({ state: 'detached' });
    expect(await apiAs(daveKey, '/api/products/')).toEqual({ status: 401, body: { detail: 'Invalid token.' } });
  });

  it('manages products: creates one with the server\'s validation, and asks before deleting it', async () => {
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    await page.getByRole('button', { name: 'New product' }).click();
    const form = page.getByRole('dialog', { name: 'New product' });
    await form.getByLabel('Name').fill('Admin lamp');
    await form.getByLabel('Price').fill('not a price');
    await form.getByRole('button', { name: 'Create product' }).click();
    await form.getByText('A valid number is required.').waitFor();
    await form.getByLabel('Price').fill('19.90');
    await form.getByRole('button', { name: 'Create product' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('rowheader', { name: 'Admin lamp' }).waitFor();
    await screenshot(page, 'admin-11-products');
    await page.getByRole('button', { name: 'Delete Admin lamp' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('rowheader', { name: 'Admin lamp' }).waitFor({ state: 'detached' });
  });

  it('is readable on a phone', async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await screenshot(page, 'admin-08-users-phone');
    // Each row is a card; the page never scrolls sideways (layout.test.ts checks every page).
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize({ width: 1280, height: 800 });
    // Chromium logs each 4xx answer (the validation errors above); nothing else may appear.
    expect(pageErrors.filter((line) => !/status of 400/.test(line))).toEqual([]);
  });

  it('keeps a user who is not staff out, with a clear page', async () => {
    await server.createUser('carol', 'carolpass123');
    const context = await newContext(browser);
    const carolPage = await context.newPage();
    const errors = collectPageErrors(carolPage);
    await signIn(carolPage, server.appUrl, 'carol', 'carolpass123');
    await expect(carolPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
    await carolPage.goto(`${server.appUrl}/admin`);
    await carolPage.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
    await expect(carolPage.getByText('The admin is for staff accounts').count()).resolves.toBe(1);
    await expect(carolPage.locator('table').count()).resolves.toBe(0);
    await screenshot(carolPage, 'admin-09-not-allowed');
    // The staff check (/api/admin/me/) answers 200: nothing in the console at all.
    expect(errors).toEqual([]);
    await context.close();
  });
});
