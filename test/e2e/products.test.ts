/**
 * The products page in Chromium against a started server on a fresh database: the empty
 * state, create, a validation message beside its field, edit, delete with confirmation,
 * the phone layout, then log out and see the old token refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  collectPageErrors,
  docsScreenshot,
  launchBrowser,
  newContext,
  PHONE,
  screenshot,
} from './helpers/browser.js';
import { signIn, storedToken, waitForFocus } from './helpers/flows.js';
import { startServer, TARGET } from './helpers/target.js';
import type { TestServer } from './helpers/target.js';
import type { PageDocument, PageElement, PageWindow } from './helpers/page-globals.js';

declare const document: PageDocument;
declare const window: PageWindow;

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  await server.createUser('alice', 'alicepass123');
  // The steps below are one user's session, in order; they share one page.
  context = await newContext(browser);
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function dialog(name: string | RegExp) {
  return page.getByRole('dialog', { name });
}

function row(name: string) {
  return page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
}

async function apiAs(token: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.apiUrl}${path}`, { headers: { Authorization: `Token ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe(`products (${TARGET})`, () => {
  it('shows the empty state on a fresh database', async () => {
    await signIn(page, server.appUrl, 'alice', 'alicepass123');
    await page.getByRole('heading', { level: 2, name: 'No products yet' }).waitFor();
    // After navigating, focus is on the page heading.
    await waitForFocus(page.getByRole('heading', { level: 1, name: 'Products' }));
    await expect(page.getByRole('link', { name: 'Products' }).getAttribute('aria-current')).resolves.toBe('page');
    await screenshot(page, 'products-01-empty');
  });

  it('creates a product; the price is shown as the server wrote it', async () => {
    await page.getByRole('button', { name: 'New product' }).click();
    const form = dialog('New product');
    await form.waitFor();
    // The dialog opens with focus on its first field.
    await waitForFocus(form.getByLabel('Name'));
    await form.getByLabel('Name').fill('Pen');
    await form.getByLabel('Description').fill('Blue ink');
    await form.getByLabel('Price').fill('12.5');
    await screenshot(page, 'products-02-create-form');
    await form.getByRole('button', { name: 'Create product' }).click();
    await form.waitFor({ state: 'detached' });

    await expect(page.getByRole('status').filter({ hasText: 'Created' }).textContent()).resolves.toContain('Created “Pen”.');
    const pen = row('Pen');
    await expect(pen.locator('td').nth(0).textContent()).resolves.toBe('Blue ink');
    await expect(pen.locator('td').nth(1).textContent()).resolves.toBe('12.50');
    // The created time is localised on screen, exact in the markup.
    const iso = await pen.locator('time').getAttribute('datetime');
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const shown = await pen.locator('time').textContent();
    expect(shown).not.toBe(iso);
    expect(shown).toContain(String(new Date(iso as string).getUTCFullYear()));
    // Focus went back to the button that opened the dialog.
    await waitForFocus(page.getByRole('button', { name: 'New product' }));
  });

  it('shows each validation message beside its field and focuses the first invalid one', async () => {
    await page.getByRole('button', { name: 'New product' }).click();
    const form = dialog('New product');
    await form.getByLabel('Name').fill('   ');
    await form.getByLabel('Price').fill('12.345');
    await form.getByRole('button', { name: 'Create product' }).click();

    const name = form.getByLabel('Name');
    const price = form.getByLabel('Price');
    await form.getByText('This field may not be blank.').waitFor();
    await form.getByText('Ensure that there are no more than 2 decimal places.').waitFor();
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(price.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(form.getByLabel('Description').getAttribute('aria-invalid')).resolves.toBe(null);
    await waitForFocus(name);
    // The message belongs to its field: it is in the field's aria-describedby.
    const priceDescription = await price.evaluate((input: PageElement) =>
      (input.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id: string) => document.getElementById(id)?.textContent)
        .join(' | '),
    );
    expect(priceDescription).toContain('Ensure that there are no more than 2 decimal places.');
    await screenshot(page, 'products-03-validation-errors');

    // Correct the form: the messages go, the product is created.
    await name.fill('Notebook');
    await form.getByLabel('Description').fill('A5, dotted, 120 pages');
    await price.fill('4.9');
    await form.getByRole('button', { name: 'Create product' }).click();
    await form.waitFor({ state: 'detached' });
    await expect(row('Notebook').locator('td').nth(1).textContent()).resolves.toBe('4.90');
  });

  it('closes a dialog with Escape without saving', async () => {
    await page.getByRole('button', { name: 'New product' }).click();
    await dialog('New product').getByLabel('Name').fill('Never saved');
    await page.keyboard.press('Escape');
    await dialog('New product').waitFor({ state: 'detached' });
    await expect(row('Never saved').count()).resolves.toBe(0);
  });

  it('edits a product', async () => {
    await row('Pen').getByRole('button', { name: 'Edit Pen' }).click();
    const form = dialog('Edit “Pen”');
    await expect(form.getByLabel('Name').inputValue()).resolves.toBe('Pen');
    await expect(form.getByLabel('Price').inputValue()).resolves.toBe('12.50');
    await form.getByLabel('Name').fill('Fountain pen');
    await form.getByLabel('Price').fill('15');
    await screenshot(page, 'products-04-edit-form');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });

    await expect(row('Fountain pen').locator('td').nth(1).textContent()).resolves.toBe('15.00');
    await expect(row('Pen').count()).resolves.toBe(0);
    await expect(page.getByRole('status').filter({ hasText: 'Saved' }).textContent()).resolves.toContain(
      'Saved changes to “Fountain pen”.',
    );
  });

  it('deletes a product only after confirmation, with the keyboard', async () => {
    await row('Notebook').getByRole('button', { name: 'Delete Notebook' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete product?' });
    await confirm.waitFor();
    // The safe choice has focus; Enter on it cancels.
    await waitForFocus(confirm.getByRole('button', { name: 'Cancel' }));
    await screenshot(page, 'products-05-delete-confirm');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    await expect(row('Notebook').count()).resolves.toBe(1);

    await row('Notebook').getByRole('button', { name: 'Delete Notebook' }).click();
    await confirm.waitFor();
    await page.keyboard.press('Tab');
    await waitForFocus(confirm.getByRole('button', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    await expect(row('Notebook').count()).resolves.toBe(0);
    await expect(page.getByRole('status').filter({ hasText: 'Deleted' }).textContent()).resolves.toContain(
      'Deleted “Notebook”.',
    );
    await waitForFocus(page.getByRole('heading', { level: 1, name: 'Products' }));
  });

  it('lists several products on a desktop and on a phone', async () => {
    const catalogue = [
      ['Notebook', 'A5, dotted, 120 pages', '4.90'],
      ['Desk lamp', 'LED, warm white, adjustable arm', '39.00'],
      ['Stapler', '', '8.75'],
    ];
    for (const [name, description, price] of catalogue) {
      await page.getByRole('button', { name: 'New product' }).click();
      const form = dialog('New product');
      await form.getByLabel('Name').fill(name as string);
      await form.getByLabel('Description').fill(description as string);
      await form.getByLabel('Price').fill(price as string);
      await form.getByRole('button', { name: 'Create product' }).click();
      await form.waitFor({ state: 'detached' });
    }
    await expect(page.locator('tbody tr').count()).resolves.toBe(4);
    await expect(page.getByText('4 products').count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await screenshot(page, 'products-06-list-desktop');
    await docsScreenshot(page, 'products');

    const phone = await newContext(browser, { viewport: PHONE });
    try {
      const token = (await storedToken(page)).session as string;
      const phonePage = await phone.newPage();
      await phonePage.goto(`${server.appUrl}/login`);
      await phonePage.evaluate((key) => {
        window.sessionStorage.setItem('tessera.token', key);
        window.sessionStorage.setItem('tessera.username', 'alice');
      }, token);
      await phonePage.goto(`${server.appUrl}/products`);
      await phonePage.getByRole('rowheader', { name: 'Desk lamp' }).waitFor();
      // No horizontal scrolling on a phone: the table has become cards.
      const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phonePage, 'products-07-list-phone');
      await phonePage.getByRole('button', { name: 'Edit Stapler' }).click();
      await phonePage.getByRole('dialog', { name: 'Edit “Stapler”' }).waitFor();
      await screenshot(phonePage, 'products-08-edit-phone');
    } finally {
      await phone.close();
    }
  });

  it('logs out; the old token is refused and the app returns to login', async () => {
    const token = (await storedToken(page)).session as string;
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    await expect(apiAs(token, '/api/products/')).resolves.toMatchObject({ status: 200 });

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await expect(page.getByRole('status').textContent()).resolves.toBe('You have been logged out.');
    await expect(storedToken(page)).resolves.toEqual({ local: null, session: null });
    await screenshot(page, 'logout-01-logged-out');

    await expect(apiAs(token, '/api/products/')).resolves.toEqual({
      status: 401,
      body: { detail: 'Invalid token.' },
    });

    // A page still holding the old token (and no username to ask the password of) is sent
    // back to login on the first 401, which says why.
    await page.evaluate((key) => window.sessionStorage.setItem('tessera.token', key), token);
    await page.goto(`${server.appUrl}/products`);
    await page.waitForURL(/\/login\?next=%2Fproducts$/);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      'Your session was ended elsewhere: you signed out on another device, or your token was revoked or replaced.',
    );
    await expect(storedToken(page)).resolves.toEqual({ local: null, session: null });
    await screenshot(page, 'logout-02-session-ended');

    // The browser logs each 4xx response it sees; nothing else may be in the console.
    const unexpected = pageErrors.filter((line) => !/status of (400|401|403|404)/.test(line));
    expect(unexpected).toEqual([]);
  });
});
