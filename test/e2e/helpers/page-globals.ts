/**
 * Types for the browser globals that `page.evaluate()` callbacks use. Those callbacks run
 * in Chromium, but the root tsconfig type-checks test/ for Node (no DOM lib), so each file
 * declares the few globals it touches, module-locally:
 *
 *   declare const document: PageDocument;
 *   declare const window: PageWindow;
 */

export interface PageElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

export interface PageDocument {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  fonts: { ready: Promise<unknown> };
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
}

export interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface PageWindow {
  innerWidth: number;
  localStorage: PageStorage;
  sessionStorage: PageStorage;
}
