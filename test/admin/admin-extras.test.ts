// The admin's additions for the web client (src/admin/devices.ts, throttles.ts, me.ts):
// per-device tokens listed and revoked by staff (a superuser's only by a superuser),
// a username's login throttle looked up and cleared (audited), and /api/admin/me/ for
// anyone signed in.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

describe.each(DIALECTS)('admin extras on %s', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function deviceLogin(app: TestApp, username: string, device: string): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username, password: TEST_PASSWORD, device } });
    expect(response.statusCode).toBe(200);
    return response.json().token as string;
  }

  it('lists device tokens for staff and revokes one, audited; a superuser\'s only for a superuser', async () => {
    t = await createTestApp(dialect, { config: { tokenMode: 'per-device' } });
    await t.createUser('stella', { isStaff: true });
    await t.createUser('boss', { isStaff: true, isSuperuser: true });
    await t.createUser('alice');
    const staff = await deviceLogin(t, 'stella', 'Desk');
    const aliceKey = await deviceLogin(t, 'alice', 'Work laptop');
    await deviceLogin(t, 'boss', 'Boss phone');
    const auth = { authorization: `Token ${staff}` };

    const list = await t.inject({ method: 'GET', url: '/api/admin/devices/?search=alice', headers: auth });
    expect(list.statusCode).toBe(200);
    const [device] = list.json().results;
    expect(list.json().count).toBe(1);
    expect(device).toMatchObject({ user: { username: 'alice' }, name: 'Work laptop', expires: expect.any(String) });
    expect(JSON.stringify(list.json())).not.toContain(aliceKey);

    const bossDevice = (await t.inject({ method: 'GET', url: '/api/admin/devices/?search=boss', headers: auth })).json().results[0];
    expect((await t.inject({ method: 'DELETE', url: `/api/admin/devices/${bossDevice.id}/`, headers: auth })).statusCode).toBe(403);

    expect((await t.inject({ method: 'DELETE', url: `/api/admin/devices/${device.id}/`, headers: auth })).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${aliceKey}` } })).statusCode).toBe(401);
    expect((await t.inject({ method: 'DELETE', url: `/api/admin/devices/${device.id}/`, headers: auth })).statusCode).toBe(404);
    const audit = (await t.inject({ method: 'GET', url: '/api/admin/audit-log/?action=token_revoked', headers: auth })).json().results;
    expect(audit[0]).toMatchObject({ actor: { username: 'stella' }, object_type: 'token', object_repr: 'alice', changes: { device: 'Work laptop' } });
    // Not staff: refused.
    expect((await t.inject({ method: 'GET', url: '/api/admin/devices/', headers: { authorization: `Token ${await deviceLogin(t!, 'alice', 'x')}` } })).statusCode).toBe(403);
  });

  it("looks up and clears a username's login throttle, audited", async () => {
    t = await createTestApp(dialect);
    await t.createUser('stella', { isStaff: true });
    await t.createUser('alice');
    const key = await t.login('stella');
    const auth = { authorization: `Token ${key}` };
    let last = 0;
    for (let attempt = 0; attempt < 30 && last !== 429; attempt++) {
      last = (await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: 'wrong' } })).statusCode;
    }
    expect(last).toBe(429);
    const looked = await t.inject({ method: 'GET', url: '/api/admin/throttles/?username=alice', headers: auth });
    expect(looked.statusCode).toBe(200);
    expect(looked.json().wait).toBeGreaterThan(0);
    expect((await t.inject({ method: 'GET', url: '/api/admin/throttles/', headers: auth })).json()).toEqual({ username: ['This field is required.'] });

    const cleared = await t.inject({ method: 'POST', url: '/api/admin/throttles/', headers: auth, payload: { username: 'alice' } });
    expect(cleared.json()).toEqual({ username: 'alice', wait: 0 });
    expect((await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: TEST_PASSWORD } })).statusCode).toBe(200);
    const audit = (await t.inject({ method: 'GET', url: '/api/admin/audit-log/?action=throttle_deleted', headers: auth })).json().results;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: { username: 'stella' }, object_type: 'user', object_repr: 'alice' });
    expect((await t.inject({ method: 'POST', url: '/api/admin/throttles/', headers: auth, payload: {} })).json()).toEqual({ username: ['This field is required.'] });
  });

  it('answers /api/admin/me/ with 200 for anyone signed in, and 401 for nobody', async () => {
    t = await createTestApp(dialect);
    await t.createUser('alice');
    const response = await t.inject({ method: 'GET', url: '/api/admin/me/', headers: { authorization: `Token ${await t.login('alice')}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ username: 'alice', is_staff: false, is_superuser: false });
    expect((await t.inject({ method: 'GET', url: '/api/admin/me/' })).statusCode).toBe(401);
  });
});
