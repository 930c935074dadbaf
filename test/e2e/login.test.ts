/**
 * The login page in Chromium against a started server: the server's messages beside the
 * fields and above the form, "remember me" choosing the storage, the return to the page
 * the user asked for, and a refused token sending the user back to login.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectPageErrors, launchBrowser, newContext, PHONE, screenshot } from './helpers/browser.js';
import { signIn, storedToken, submitLogin, waitForFocus } from './helpers/flows.js';
import { startServer, TARGET } from './helpers/target.js';
import type { TestServer } from './helpers/target.js';

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await server.createUser('alice', 'alicepass123');
  await server.createUser('ghost', 'ghostpass123', { inactive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

afterEach(async () => {
  await context.close();
});

/** Console errors we expect: the browser logs every 4xx the app receives. */
function unexpectedErrors(): string[] {
  return pageErrors.filter((line) => !/Failed to load resource: the server responded with a status of (400|401|403|404)/.test(line));
}

describe(`login (${TARGET})`, () => {
  it('sends a visitor to the login page, with labelled fields', async () => {
    await page.goto(`${server.appUrl}/`);
    await page.waitForURL(/\/login$/);
    await expect(page.title()).resolves.toBe('Sign in · Tessera');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    // Labels are tied to their inputs: getByLabel finds the input itself.
    await expect(page.getByLabel('Username').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(page.getByLabel('Password', { exact: true }).getAttribute('type')).resolves.toBe('password');
    await expect(page.getByLabel('Remember me').isChecked()).resolves.toBe(false);
    await screenshot(page, 'login-01-empty');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'login-01-empty-phone');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('shows the field messages beside blank fields and focuses the first', async () => {
    await page.goto(`${server.appUrl}/login`);
    const username = page.getByLabel('Username');
    await expect(username.getAttribute('aria-invalid')).resolves.toBe(null);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByText('This field may not be blank.').first().waitFor();
    await expect(username.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    // Each message is the field's description, so a screen reader reads it with the field.
    const describedBy = (await username.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${describedBy}"]`).textContent()).resolves.toBe('This field may not be blank.');
    await waitForFocus(username);
    await screenshot(page, 'login-02-blank-fields');
  });

  it('shows the server message for a wrong password, then signs in with the right one', async () => {
    await page.goto(`${server.appUrl}/login`);
    await submitLogin(page, 'alice', 'wrong-password');

    const alert = page.getByRole('alert').filter({ hasText: 'Unable to log in' });
    await expect(alert.textContent()).resolves.toBe('Unable to log in with provided credentials.');
    await waitForFocus(alert);
    await expect(page.getByRole('button', { name: 'Sign in' }).isEnabled()).resolves.toBe(true);
    await screenshot(page, 'login-03-wrong-password');

    await page.getByLabel('Password', { exact: true }).fill('alicepass123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/products$/);
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    await expect(page.getByText('Signed in as alice').count()).resolves.toBe(1);

    // Not remembered: the token lives in this tab's sessionStorage only.
    const stored = await storedToken(page);
    expect(stored.local).toBeNull();
    expect(stored.session).toMatch(/^[0-9a-f]{40}$/);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('refuses an inactive user with the same message as a wrong password', async () => {
    await page.goto(`${server.appUrl}/login`);
    await submitLogin(page, 'ghost', 'ghostpass123');
    await expect(page.getByRole('alert').filter({ hasText: 'Unable' }).textContent()).resolves.toBe(
      'Unable to log in with provided credentials.',
    );
  });

  it('keeps a session without "remember me" to its tab', async () => {
    await signIn(page, server.appUrl, 'alice', 'alicepass123');
    const other = await context.newPage();
    await other.goto(`${server.appUrl}/products`);
    await other.waitForURL(/\/login\?next=%2Fproducts$/);
  });

  it('keeps a remembered session in localStorage, across tabs and reloads', async () => {
    await signIn(page, server.appUrl, 'alice', 'alicepass123', { remember: true });
    const stored = await storedToken(page);
    expect(stored.session).toBeNull();
    expect(stored.local).toMatch(/^[0-9a-f]{40}$/);

    const other = await context.newPage();
    await other.goto(`${server.appUrl}/products`);
    await other.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    // A reload of a client-side route is served index.html by the server (SPA fallback).
    await other.reload();
    await other.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    expect(other.url()).toBe(`${server.appUrl}/products`);
  });

  it('returns to the page asked for after signing in', async () => {
    await page.goto(`${server.appUrl}/products`);
    await page.waitForURL(/\/login\?next=%2Fproducts$/);
    await submitLogin(page, 'alice', 'alicepass123');
    await page.waitForURL(/\/products$/);
  });

  it('shows a not-found page for an unknown path when signed in', async () => {
    await signIn(page, server.appUrl, 'alice', 'alicepass123');
    await page.goto(`${server.appUrl}/no-such-page`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await screenshot(page, 'not-found');
  });
});
