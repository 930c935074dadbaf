import { describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../test/helpers.tsx';
import { createApiClient } from './client.ts';
import { ApiError } from './errors.ts';
import { createMemoryTokenStore } from './token-store.ts';

const SESSION = { token: '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b', username: 'alice' };

describe('createApiClient', () => {
  it('sends the token with DRF’s keyword and reads JSON', async () => {
    const server = fakeServer(() => ({ status: 200, body: [] }));
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(SESSION), fetch: server.fetch });
    await expect(api.request('GET', '/api/products/')).resolves.toEqual([]);
    expect(server.requests).toEqual([
      {
        method: 'GET',
        url: '/api/products/',
        headers: { Accept: 'application/json', Authorization: `Token ${SESSION.token}` },
        body: undefined,
      },
    ]);
  });

  it('prefixes the base URL (dev mode calls the API on another origin)', async () => {
    const server = fakeServer(() => ({ status: 200, body: {} }));
    const api = createApiClient({
      baseUrl: 'http://127.0.0.1:8000/',
      tokenStore: createMemoryTokenStore(),
      fetch: server.fetch,
    });
    await api.request('GET', '/api/products/');
    expect(server.requests[0]?.url).toBe('http://127.0.0.1:8000/api/products/');
  });

  it('sends JSON bodies and never cookies', async () => {
    const calls: RequestInit[] = [];
    const fetchSpy = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init ?? {});
      return new Response('{"id":1}', { status: 201, headers: { 'Content-Type': 'application/json' } });
    });
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(SESSION), fetch: fetchSpy as typeof fetch });
    await api.request('POST', '/api/products/', { body: { name: 'Pen' } });
    expect(calls[0]?.body).toBe('{"name":"Pen"}');
    expect(calls[0]?.credentials).toBe('omit');
    expect((calls[0]?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('sends no token when the call opts out (login)', async () => {
    const server = fakeServer(() => ({ status: 200, body: { token: 'x' } }));
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(SESSION), fetch: server.fetch });
    await api.request('POST', '/api/token-auth/', { body: {}, auth: 'none' });
    expect(server.requests[0]?.headers.Authorization).toBeUndefined();
  });

  it('resolves a 204 to undefined', async () => {
    const server = fakeServer(() => ({ status: 204 }));
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(SESSION), fetch: server.fetch });
    await expect(api.request('DELETE', '/api/products/1/')).resolves.toBeUndefined();
  });

  it('rejects with the DRF error, field by field', async () => {
    const server = fakeServer(() => ({ status: 400, body: { price: ['A valid number is required.'] } }));
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(SESSION), fetch: server.fetch });
    const error = await api.request('POST', '/api/products/', { body: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).messagesFor('price')).toEqual(['A valid number is required.']);
  });

  it('on a 401, forgets the session and tells the listeners', async () => {
    const server = fakeServer(() => ({ status: 401, body: { detail: 'Invalid token.' } }));
    const tokenStore = createMemoryTokenStore(SESSION);
    const api = createApiClient({ baseUrl: '', tokenStore, fetch: server.fetch });
    const heard: string[] = [];
    api.onUnauthorized((error) => heard.push(error.message));
    await expect(api.request('GET', '/api/products/')).rejects.toMatchObject({ status: 401, detail: 'Invalid token.' });
    expect(tokenStore.read()).toBeNull();
    expect(heard).toEqual(['Invalid token.']);
  });

  it('leaves the session alone on a 401 the caller handles itself', async () => {
    const server = fakeServer(() => ({ status: 401, body: { detail: 'Invalid token.' } }));
    const tokenStore = createMemoryTokenStore(SESSION);
    const api = createApiClient({ baseUrl: '', tokenStore, fetch: server.fetch });
    const listener = vi.fn();
    api.onUnauthorized(listener);
    await expect(api.request('POST', '/api/logout/', { on401: 'reject-only' })).rejects.toBeInstanceOf(ApiError);
    expect(listener).not.toHaveBeenCalled();
    expect(tokenStore.read()).toEqual(SESSION);
  });

  it('turns a network failure into status 0 with a readable message', async () => {
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(), fetch: failing });
    await expect(api.request('GET', '/api/products/')).rejects.toMatchObject({
      status: 0,
      message: 'Could not reach the server. Check your connection and try again.',
    });
  });

  it('passes an abort through untouched', async () => {
    const aborting = (async () => {
      throw new DOMException('The operation was aborted.', 'AbortError');
    }) as typeof fetch;
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(), fetch: aborting });
    await expect(api.request('GET', '/api/products/')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('explains a non-JSON error page', async () => {
    const html = (async () =>
      new Response('<h1>Bad Gateway</h1>', {
        status: 502,
        statusText: 'Bad Gateway',
        headers: { 'Content-Type': 'text/html' },
      })) as typeof fetch;
    const api = createApiClient({ baseUrl: '', tokenStore: createMemoryTokenStore(), fetch: html });
    await expect(api.request('GET', '/api/products/')).rejects.toMatchObject({
      status: 502,
      message: 'The server had a problem (502 Bad Gateway). Please try again in a moment.',
    });
  });
});
