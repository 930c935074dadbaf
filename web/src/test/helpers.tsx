/**
 * Shared set-up for the component tests: a fake server (the fetch the API client is given),
 * and `renderApp()` that mounts the whole app at a path with an optional session.
 */
import { cleanup, render } from '@testing-library/react';
import type { RenderResult } from '@testing-library/react';
import { afterEach } from 'vitest';
import { createApiClient } from '../api/client.ts';
import type { ApiClient } from '../api/client.ts';
import { createBrowserTokenStore } from '../api/token-store.ts';
import type { Session } from '../api/token-store.ts';
import { App } from '../app.tsx';

// vitest runs without globals, so Testing Library cannot register its own clean-up.
afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

/** Answers a request; return a promise to hold the answer back (to see loading states). */
export type Handler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeServer {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

/** A fetch that answers like DRF: JSON bodies, `application/json`, 204 with no body. */
export function fakeServer(handler: Handler): FakeServer {
  const requests: RecordedRequest[] = [];
  const fakeFetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: String(input),
      headers,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    requests.push(request);
    const answer = await handler(request);
    if (answer.status === 204) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetch: fakeFetch as typeof fetch, requests };
}

export interface RenderAppOptions {
  path: string;
  handler: Handler;
  session?: Session;
  /** Where the session is stored: `session` (default) or `local` ("remember me"). */
  storage?: 'session' | 'local';
}

export interface RenderedApp extends RenderResult {
  api: ApiClient;
  server: FakeServer;
}

export const TOKEN = '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b';

export function renderApp(options: RenderAppOptions): RenderedApp {
  window.history.replaceState(null, '', options.path);
  const tokenStore = createBrowserTokenStore();
  if (options.session) tokenStore.save(options.session, { remember: options.storage === 'local' });
  const server = fakeServer(options.handler);
  const api = createApiClient({ baseUrl: '', tokenStore, fetch: server.fetch });
  const result = render(<App api={api} />);
  return { ...result, api, server };
}

/** A promise with its resolve function, to hold a fake answer until the test says so. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

export const PEN = {
  id: 1,
  name: 'Pen',
  description: 'Blue ink',
  price: '12.50',
  created_at: '2026-11-28T14:51:16.620289Z',
};
