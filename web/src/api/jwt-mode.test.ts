// VITE_AUTH=jwt: SimpleJWT's pair instead of DRF's Token. The refresh token is what is
// stored; the access token stays in memory, is renewed before it expires (and once on a
// 401), and signing out blacklists the refresh token.
import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test/helpers.tsx';
import { logout, obtainToken } from './auth.ts';
import { createApiClient } from './client.ts';
import { createMemoryTokenStore } from './token-store.ts';

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

const now = () => Math.floor(Date.now() / 1000);
const access = (id: string, lifetime = 300) => jwt({ token_type: 'access', exp: now() + lifetime, iat: now(), jti: id, user_id: 1 });
const REFRESH = jwt({ token_type: 'refresh', exp: now() + 86_400, iat: now(), jti: 'r1', user_id: 1 });

describe('the API client in JWT mode', () => {
  it('signs in at /api/token/, keeps the refresh token, and sends the access token as Bearer', async () => {
    const first = access('a1');
    const server = fakeServer((request) => (request.url === '/api/token/' ? { status: 200, body: { refresh: REFRESH, access: first } } : { status: 200, body: [] }));
    const store = createMemoryTokenStore();
    const api = createApiClient({ baseUrl: '', tokenStore: store, fetch: server.fetch, mode: 'jwt' });
    const stored = await obtainToken(api, { username: 'alice', password: 'pw' });
    expect(stored).toBe(REFRESH);
    store.save({ token: stored, username: 'alice' }, { remember: false });
    await api.request('GET', '/api/products/');
    expect(server.requests.map((request) => [request.url, request.headers.Authorization])).toEqual([
      ['/api/token/', undefined],
      ['/api/products/', `Bearer ${first}`],
    ]);
  });

  it('renews an access token about to expire before the call, and keeps a rotated refresh token', async () => {
    const rotated = jwt({ token_type: 'refresh', exp: now() + 86_400, iat: now(), jti: 'r2', user_id: 1 });
    const fresh = access('a2');
    const server = fakeServer((request) => (request.url === '/api/token/refresh/' ? { status: 200, body: { access: fresh, refresh: rotated } } : { status: 200, body: [] }));
    const store = createMemoryTokenStore({ token: REFRESH, username: 'alice' });
    const api = createApiClient({ baseUrl: '', tokenStore: store, fetch: server.fetch, mode: 'jwt' });
    api.rememberAccess(REFRESH, access('a1', 10)); // 10 s left: renewed first
    await Promise.all([api.request('GET', '/api/products/'), api.request('GET', '/api/products/')]);
    expect(server.requests.filter((request) => request.url === '/api/token/refresh/').map((request) => request.body)).toEqual([{ refresh: REFRESH }]);
    expect(server.requests.filter((request) => request.url === '/api/products/').map((request) => request.headers.Authorization)).toEqual([`Bearer ${fresh}`, `Bearer ${fresh}`]);
    expect(store.read()?.token).toBe(rotated);
  });

  it('renews once on a 401, and signs out when the refresh token is refused', async () => {
    let refreshes = 0;
    const server = fakeServer((request) => {
      if (request.url === '/api/token/refresh/') {
        refreshes++;
        return refreshes === 1 ? { status: 200, body: { access: access('a2') } } : { status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' } };
      }
      return { status: 401, body: { detail: 'User is inactive', code: 'user_inactive' } };
    });
    const store = createMemoryTokenStore({ token: REFRESH, username: 'alice' });
    const api = createApiClient({ baseUrl: '', tokenStore: store, fetch: server.fetch, mode: 'jwt' });
    api.rememberAccess(REFRESH, access('a1'));
    const signedOut: string[] = [];
    api.onUnauthorized((error) => signedOut.push(String(error.detail)));
    await expect(api.request('GET', '/api/products/')).rejects.toMatchObject({ status: 401 });
    expect(server.requests.map((request) => request.url)).toEqual(['/api/products/', '/api/token/refresh/', '/api/products/']);
    expect(store.read()).toBeNull();
    expect(signedOut).toEqual(['User is inactive']);
  });

  it('blacklists the refresh token on sign-out', async () => {
    const server = fakeServer(() => ({ status: 200, body: {} }));
    const store = createMemoryTokenStore({ token: REFRESH, username: 'alice' });
    const api = createApiClient({ baseUrl: '', tokenStore: store, fetch: server.fetch, mode: 'jwt' });
    await logout(api);
    expect(server.requests).toEqual([{ method: 'POST', url: '/api/token/blacklist/', headers: expect.objectContaining({ 'Content-Type': 'application/json' }), body: { refresh: REFRESH } }]);
    expect(server.requests[0]?.headers.Authorization).toBeUndefined();
  });
});
