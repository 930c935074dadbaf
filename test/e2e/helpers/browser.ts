/**
 * Debian's Chromium driven by playwright-core (no browser download): one browser per test
 * file, one fresh context (cookies, storage) per test.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DOCS_SCREENSHOT_DIR, SCREENSHOT_DIR } from './paths.js';
import type { PageDocument } from './page-globals.js';

declare const document: PageDocument;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export interface LaunchOptions {
  /** Extra Chromium flags, e.g. `--host-resolver-rules=MAP tessera.lan 127.0.0.1`. */
  args?: string[];
}

export function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
}

export interface ContextOptions {
  viewport?: { width: number; height: number };
}

export async function newContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: 'en-GB',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * Saves `test-results/screenshots/<name>.png` (the whole page, or the page with its modal
 * dialog open). Every page of the flow gets one, so a reviewer can see each run.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Let fonts settle before the picture. A modal's backdrop covers the viewport only, so
  // with a dialog open the picture is of the viewport, else of the whole page.
  await page.evaluate(() => document.fonts.ready);
  const modalOpen = await page.evaluate(() => document.querySelector('dialog[open]') !== null);
  await page.screenshot({ path, fullPage: !modalOpen, animations: 'disabled' });
  return path;
}

/** The README's screenshot; written only when UPDATE_DOCS_SCREENSHOTS=1. */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(DOCS_SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

/** Collects console errors and uncaught exceptions, to assert a clean run. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
