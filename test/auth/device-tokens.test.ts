// TOKEN_MODE=per-device: a token per login, named, expiring, revoked one by one; account
// tokens (CLI, admin) keep working beside them. And TOKEN_MODE=single keeps DRF's contract.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/auth/users.js';
import { ConfigError, loadConfig, parseDuration } from '../../src/config.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;

describe.each(DIALECTS)('per-device tokens on %s', (dialect) => {
  let t: TestApp;
  let alice: User;

  beforeEach(async () => {
    t = await createTestApp(dialect, { config: { tokenMode: 'per-device', tokenTtlSeconds: 3600 } });
    alice = await t.createUser('alice');
  });
  afterEach(async () => {
    await t.close();
  });

  const login = async (device?: string, userAgent = 'Test browser') => {
    const response = await t.inject({
      method: 'POST', url: '/api/token-auth/', headers: { 'user-agent': userAgent },
      payload: { username: 'alice', password: TEST_PASSWORD, ...(device === undefined ? {} : { device }) },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { token: string; expires: string | null };
  };
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key: string) =>
    t.inject({ method, url, headers: { authorization: `Token ${key}` } });

  it('gives every login its own expiring key, and signs devices out one by one', async () => {
    const phone = await login("Alice's phone");
    const laptop = await login(undefined, 'Firefox on Linux');
    expect(phone.token).toMatch(/^[0-9a-f]{40}$/);
    expect(laptop.token).not.toBe(phone.token);
    expect(phone.expires).toMatch(ISO_UTC);
    const lifetime = Date.parse(phone.expires!) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);

    expect((await call('GET', '/api/products/', phone.token)).statusCode).toBe(200);
    const devices = (await call('GET', '/api/devices/', laptop.token)).json();
    expect(devices).toEqual([
      { id: expect.any(Number), name: 'Firefox on Linux', created: expect.stringMatching(ISO_UTC), expires: laptop.expires, current: true },
      { id: expect.any(Number), name: "Alice's phone", created: expect.stringMatching(ISO_UTC), expires: phone.expires, current: false },
    ]);

    const logout = await call('POST', '/api/logout/', phone.token);
    expect(logout.json()).toEqual({ message: 'Logout successful' });
    const refused = await call('GET', '/api/products/', phone.token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ detail: 'Invalid token.' });
    expect((await call('GET', '/api/products/', laptop.token)).statusCode).toBe(200);

    const tablet = await login('Tablet');
    const tabletId = (await call('GET', '/api/devices/', tablet.token)).json()[0].id;
    expect((await call('DELETE', `/api/devices/${tabletId}/`, laptop.token)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/devices/${tabletId}/`, laptop.token)).statusCode).toBe(404);
    expect((await call('GET', '/api/products/', tablet.token)).statusCode).toBe(401);
  });

  it('refuses an expired token with its own message and drops it at the next login', async () => {
    const old = await login('Old phone');
    await t.database.db.kysely.updateTable('tessera_device_token').set({ expires: '2000-01-01 00:00:00.000000' }).execute();
    const refused = await call('GET', '/api/products/', old.token);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Token');
    expect(refused.json()).toEqual({ detail: 'Token has expired.' });

    const fresh = await login('New phone');
    const rows = await t.database.db.kysely.selectFrom('tessera_device_token').select('name').execute();
    expect(rows.map((row) => row.name)).toEqual(['New phone']);
    expect((await call('GET', '/api/products/', fresh.token)).statusCode).toBe(200);
  });

  it('keeps account tokens working, refuses inactive users, and logs out of everything', async () => {
    const device = await login('Phone');
    // An account token, as `tessera token create` or the admin makes it.
    const staffKey = await t.token(await t.createUser('boss', { isStaff: true, isSuperuser: true }));
    const made = await t.inject({ method: 'POST', url: '/api/admin/tokens/', headers: { authorization: `Token ${staffKey}`, 'content-type': 'application/json' }, payload: JSON.stringify({ user: alice.id }) });
    expect(made.statusCode).toBe(201);
    const accountKey = made.json().key;
    expect((await call('GET', '/api/products/', accountKey)).statusCode).toBe(200);
    expect((await call('GET', '/api/devices/', accountKey)).json().every((d: { current: boolean }) => !d.current)).toBe(true);

    await t.database.db.kysely.updateTable('auth_user').set({ is_active: false }).where('id', '=', alice.id).execute();
    expect((await call('GET', '/api/products/', device.token)).json()).toEqual({ detail: 'User inactive or deleted.' });
    await t.database.db.kysely.updateTable('auth_user').set({ is_active: true }).where('id', '=', alice.id).execute();

    const all = await call('POST', '/api/logout-all/', device.token);
    expect(all.json()).toEqual({ message: 'Logged out of every device' });
    for (const key of [device.token, accountKey]) {
      expect((await call('GET', '/api/products/', key)).json()).toEqual({ detail: 'Invalid token.' });
    }
  });

  it('is revoked entirely by the admin and the CLI revoke', async () => {
    const device = await login('Phone');
    const staffKey = await t.token(await t.createUser('boss', { isStaff: true, isSuperuser: true }));
    const revoke = await t.inject({ method: 'DELETE', url: `/api/admin/tokens/${alice.id}/`, headers: { authorization: `Token ${staffKey}` } });
    expect(revoke.statusCode).toBe(204);
    expect((await call('GET', '/api/products/', device.token)).statusCode).toBe(401);
  });
});

describe.each(DIALECTS)('single tokens (DRF) on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    await t.createUser('alice');
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers login with the token alone, has no device routes, and logs out of everything', async () => {
    const first = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: TEST_PASSWORD, device: 'ignored' } });
    expect(Object.keys(first.json())).toEqual(['token']);
    const key = first.json().token;
    expect((await t.inject({ method: 'GET', url: '/api/devices/', headers: { authorization: `Token ${key}` } })).statusCode).toBe(404);
    const all = await t.inject({ method: 'POST', url: '/api/logout-all/', headers: { authorization: `Token ${key}` } });
    expect(all.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${key}` } })).statusCode).toBe(401);
  });
});

describe('token configuration', () => {
  it('reads TOKEN_MODE and TOKEN_TTL', () => {
    const base = { SECRET_KEY: 'x'.repeat(40) };
    expect(loadConfig(base)).toMatchObject({ tokenMode: 'single', tokenTtlSeconds: 30 * 86_400 });
    expect(loadConfig({ ...base, TOKEN_MODE: 'Per-Device', TOKEN_TTL: '12h' })).toMatchObject({ tokenMode: 'per-device', tokenTtlSeconds: 43_200 });
    expect(parseDuration('TOKEN_TTL', '0', 5)).toBeNull();
    expect(parseDuration('TOKEN_TTL', '90m', 5)).toBe(5400);
    expect(parseDuration('TOKEN_TTL', '3600', 5)).toBe(3600);
    expect(() => loadConfig({ ...base, TOKEN_MODE: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, TOKEN_TTL: '1 week' })).toThrow(/TOKEN_TTL must be a duration/);
  });
});
