/**
 * A tiny router on the History API: enough for a handful of pages, no dependency.
 *
 * The server answers index.html for any non-API path, so every route here survives a
 * reload and can be bookmarked. `navigate()` pushes (or replaces) an entry and notifies
 * subscribers; the back and forward buttons arrive as `popstate`.
 */
import { useSyncExternalStore } from 'react';

export interface AppLocation {
  pathname: string;
  search: string;
  /** Changes on every in-app navigation, even to the same path; 'initial' on page load. */
  key: string;
}

export interface NavigateOptions {
  replace?: boolean;
}

const NAVIGATE_EVENT = 'tessera:navigate';
let counter = 0;

export function navigate(to: string, options: NavigateOptions = {}): void {
  const state = { key: `nav-${Date.now().toString(36)}-${++counter}` };
  if (options.replace) window.history.replaceState(state, '', to);
  else window.history.pushState(state, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

// useSyncExternalStore needs the same object back while nothing changed.
let cached: AppLocation | null = null;

function snapshot(): AppLocation {
  const { pathname, search } = window.location;
  const state: unknown = window.history.state;
  const key =
    typeof state === 'object' && state !== null && typeof (state as { key?: unknown }).key === 'string'
      ? (state as { key: string }).key
      : 'initial';
  if (cached && cached.pathname === pathname && cached.search === search && cached.key === key) {
    return cached;
  }
  cached = { pathname, search, key };
  return cached;
}

export function useLocation(): AppLocation {
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/**
 * A path that is safe to send the user to after login: same origin, absolute path.
 * (`//evil.example` is protocol-relative and browsers read `/\evil.example` the same way,
 * so both are refused: an open redirect would let a crafted link send users elsewhere.)
 */
export function safeNextPath(value: string | null, fallback: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return fallback;
  }
  return value;
}
