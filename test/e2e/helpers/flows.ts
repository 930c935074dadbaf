import type { Locator, Page } from 'playwright-core';
import type { PageDocument, PageWindow } from './page-globals.js';

declare const document: PageDocument;
declare const window: PageWindow;

export interface SignInOptions {
  remember?: boolean;
}

/** Fills the login form and submits; does not wait for the result. */
export async function submitLogin(page: Page, username: string, password: string, options: SignInOptions = {}): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (options.remember) await page.getByLabel('Remember me').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens /login, signs in, and waits for the products page. */
export async function signIn(page: Page, appUrl: string, username: string, password: string, options: SignInOptions = {}): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await submitLogin(page, username, password, options);
  await page.waitForURL(/\/products$/);
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
}

/** The stored token, wherever "remember me" put it. */
export function storedToken(page: Page): Promise<{ local: string | null; session: string | null }> {
  return page.evaluate(() => ({
    local: window.localStorage.getItem('tessera.token'),
    session: window.sessionStorage.getItem('tessera.token'),
  }));
}

/** Waits until `locator`'s element has focus (focus moves after a render, not at once). */
export async function waitForFocus(locator: Locator, timeout = 5_000): Promise<void> {
  const element = await locator.elementHandle({ timeout });
  try {
    await locator.page().waitForFunction((target) => document.activeElement === target, element, { timeout });
  } catch (error) {
    const actual = await locator.page().evaluate(() => {
      const active = document.activeElement;
      return active ? `${active.tagName.toLowerCase()} "${active.textContent?.trim().slice(0, 60) ?? ''}"` : 'nothing';
    });
    throw new Error(`Expected ${String(locator)} to have focus; ${actual} has it.`, { cause: error });
  }
}
