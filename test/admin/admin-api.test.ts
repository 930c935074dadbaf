// The admin API (docs/admin-api.md) on every database: who may use it, DRF's pagination,
// search, ordering and filters, each write and its audit entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../src/auth/users.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;

describe.each(DIALECTS)('admin API on %s', (dialect) => {
  let t: TestApp;
  let boss: User;
  let staff: User;
  let bossAuth: { authorization: string };
  let staffAuth: { authorization: string };

  beforeEach(async () => {
    t = await createTestApp(dialect);
    boss = await t.createUser('boss', { isStaff: true, isSuperuser: true });
    staff = await t.createUser('stella', { isStaff: true });
    bossAuth = { authorization: `Token ${await t.login('boss')}` };
    staffAuth = { authorization: `Token ${await t.login('stella')}` };
  });
  afterEach(async () => {
    await t.close();
  });

  const get = (url: string, headers = staffAuth) => t.inject({ method: 'GET', url, headers });
  const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown, headers = staffAuth) =>
    t.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  const remove = (url: string, headers = staffAuth) => t.inject({ method: 'DELETE', url, headers });

  async function auditEntries(query = ''): Promise<Array<Record<string, any>>> {
    const response = await get(`/api/admin/audit-log/?page_size=100${query}`, bossAuth);
    expect(response.statusCode).toBe(200);
    return response.json().results;
  }

  describe('access', () => {
    const urls = ['/api/admin/', '/api/admin/users/', '/api/admin/users/1/', '/api/admin/tokens/', '/api/admin/products/', '/api/admin/audit-log/'];

    it('refuses anonymous requests with 401 and the Token challenge', async () => {
      for (const url of urls) {
        const response = await t.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Token');
        expect(response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
      }
    });

    it('refuses users who are not staff with 403', async () => {
      await t.createUser('alice');
      const alice = { authorization: `Token ${await t.login('alice')}` };
      for (const url of urls) {
        const response = await get(url, alice);
        expect(response.statusCode, url).toBe(403);
        expect(response.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
      }
      const write = await send('POST', '/api/admin/products/', { name: 'x', price: '1' }, alice);
      expect(write.statusCode).toBe(403);
    });

    it('answers the root with links and who is asking', async () => {
      const response = await get('/api/admin/');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        users: 'http://localhost:80/api/admin/users/',
        tokens: 'http://localhost:80/api/admin/tokens/',
        products: 'http://localhost:80/api/admin/products/',
        audit_log: 'http://localhost:80/api/admin/audit-log/',
        me: { id: staff.id, username: 'stella', is_superuser: false },
      });
    });
  });

  describe('users', () => {
    it('paginates as DRF PageNumberPagination', async () => {
      for (let i = 0; i < 28; i++) await t.createUser(`user${String(i).padStart(2, '0')}`);
      const first = await get('/api/admin/users/');
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(Object.keys(page1)).toEqual(['count', 'next', 'previous', 'results']);
      expect(page1.count).toBe(30);
      expect(page1.results).toHaveLength(25);
      expect(page1.next).toBe('http://localhost:80/api/admin/users/?page=2');
      expect(page1.previous).toBeNull();
      expect(page1.results[0]).toEqual({
        id: boss.id, username: 'boss', email: '', first_name: '', last_name: '',
        is_active: true, is_staff: true, is_superuser: true,
        date_joined: expect.stringMatching(ISO_UTC), last_login: null, has_token: true,
      });

      const page2 = (await get('/api/admin/users/?search=user&page=2&page_size=10')).json();
      expect(page2.count).toBe(28);
      expect(page2.results.map((u: { username: string }) => u.username)).toEqual(
        Array.from({ length: 10 }, (_, i) => `user${String(i + 10).padStart(2, '0')}`),
      );
      // Other parameters are kept and sorted; page 1 is the URL without `page`.
      expect(page2.next).toBe('http://localhost:80/api/admin/users/?page=3&page_size=10&search=user');
      expect(page2.previous).toBe('http://localhost:80/api/admin/users/?page_size=10&search=user');

      const last = (await get('/api/admin/users/?page=last&page_size=7')).json();
      expect(last.results).toHaveLength(2);
      expect(last.next).toBeNull();
      expect(last.previous).toBe('http://localhost:80/api/admin/users/?page=4&page_size=7');

      expect((await get('/api/admin/users/?page_size=1000')).json().results).toHaveLength(30);
      expect((await get('/api/admin/users/?page_size=0')).json().results).toHaveLength(25);
      expect((await get('/api/admin/users/?page_size=abc')).json().results).toHaveLength(25);
      for (const page of ['0', '3', 'abc', '1.0', '-1']) {
        const invalid = await get(`/api/admin/users/?page=${page}`);
        expect(invalid.statusCode, page).toBe(404);
        expect(invalid.json()).toEqual({ detail: 'Invalid page.' });
      }
    });

    it('searches every word in username, email and names, and filters by flags', async () => {
      await send('POST', '/api/admin/users/', { username: 'alice', password: 'wonderland-7', email: 'alice@example.com', first_name: 'Alice', last_name: 'Liddell' });
      await send('POST', '/api/admin/users/', { username: 'bob', password: 'builder-1234', email: 'bob@example.org', is_active: false });
      const names = async (query: string) => (await get(`/api/admin/users/?${query}`)).json().results.map((u: { username: string }) => u.username);
      expect(await names('search=LIDDELL')).toEqual(['alice']);
      expect(await names('search=example')).toEqual(['alice', 'bob']);
      expect(await names('search=example,org')).toEqual(['bob']);
      expect(await names('search=example%20nobody')).toEqual([]);
      expect(await names('search=100%25')).toEqual([]);
      expect(await names('is_active=false')).toEqual(['bob']);
      expect(await names('is_staff=true&ordering=-username')).toEqual(['stella', 'boss']);
      expect(await names('ordering=nonsense,-id')).toEqual(['bob', 'alice', 'stella', 'boss']);
      const bad = await get('/api/admin/users/?is_active=maybe');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ is_active: ['Must be a valid boolean.'] });
    });

    it('creates a user with Django validation and records it', async () => {
      const invalid = await send('POST', '/api/admin/users/', { username: 'bad name', password: '123', email: 'nope' });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json()).toEqual({ email: ['Enter a valid email address.'] });
      const badName = await send('POST', '/api/admin/users/', { username: 'bad name', password: '12345678' });
      expect(badName.json()).toEqual({
        username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
        password: ['This password is too common.', 'This password is entirely numeric.'],
      });
      expect((await send('POST', '/api/admin/users/', {})).json()).toEqual({
        username: ['This field is required.'],
        password: ['This field is required.'],
      });
      expect((await send('POST', '/api/admin/users/', { username: 'boss', password: 'long-enough-1' })).json()).toEqual({
        username: ['A user with that username already exists.'],
      });

      const created = await send('POST', '/api/admin/users/', { username: ' carol ', password: 'sea-shells-42', email: 'carol@example.com', is_staff: 'true' });
      expect(created.statusCode).toBe(201);
      const carol = created.json();
      expect(carol).toMatchObject({ username: 'carol', email: 'carol@example.com', is_active: true, is_staff: true, is_superuser: false, has_token: false });
      expect(carol).not.toHaveProperty('password');
      expect((await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'carol', password: 'sea-shells-42' } })).statusCode).toBe(200);

      const [entry] = await auditEntries('&action=user_created');
      expect(entry).toEqual({
        id: expect.any(Number), created: expect.stringMatching(ISO_UTC),
        actor: { id: staff.id, username: 'stella' }, action: 'user_created',
        object_type: 'user', object_id: String(carol.id), object_repr: 'carol',
        changes: { username: 'carol', email: 'carol@example.com', first_name: '', last_name: '', is_active: true, is_staff: true, is_superuser: false },
        ip: '127.0.0.1',
      });
      expect(JSON.stringify(entry)).not.toContain('sea-shells');
    });

    it('lets only a superuser make or change a superuser', async () => {
      const refused = await send('POST', '/api/admin/users/', { username: 'root2', password: 'long-enough-1', is_superuser: true });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ detail: 'Only a superuser can change a superuser.' });
      expect((await send('PATCH', `/api/admin/users/${boss.id}/`, { first_name: 'Big' })).statusCode).toBe(403);
      expect((await send('POST', `/api/admin/users/${boss.id}/set-password/`, { password: 'taken-over-1' })).statusCode).toBe(403);
      expect((await remove(`/api/admin/users/${boss.id}/`)).statusCode).toBe(403);
      expect((await send('POST', '/api/admin/tokens/', { user: boss.id })).statusCode).toBe(403);
      expect((await remove(`/api/admin/tokens/${boss.id}/`)).statusCode).toBe(403);
      const promote = await send('PATCH', `/api/admin/users/${staff.id}/`, { is_superuser: true });
      expect(promote.statusCode).toBe(403);

      const byBoss = await send('PATCH', `/api/admin/users/${staff.id}/`, { is_superuser: true }, bossAuth);
      expect(byBoss.statusCode).toBe(200);
      expect(byBoss.json().is_superuser).toBe(true);
    });

    it('deactivates a user, whose token is refused at once, and records the change', async () => {
      const alice = await t.createUser('alice');
      const aliceAuth = { authorization: `Token ${await t.login('alice')}` };
      expect((await get('/api/products/', aliceAuth)).statusCode).toBe(200);

      const response = await send('PATCH', `/api/admin/users/${alice.id}/`, { is_active: false, first_name: 'Alice' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ is_active: false, first_name: 'Alice', has_token: true });

      const refused = await get('/api/products/', aliceAuth);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ detail: 'User inactive or deleted.' });

      const [entry] = await auditEntries(`&action=user_updated&object_id=${alice.id}`);
      expect(entry!.changes).toEqual({ first_name: ['', 'Alice'], is_active: [true, false] });
      expect(entry!.actor).toEqual({ id: staff.id, username: 'stella' });
    });

    it('keeps staff from locking themselves out', async () => {
      const url = `/api/admin/users/${staff.id}/`;
      expect((await send('PATCH', url, { is_active: false })).json()).toEqual({ detail: 'You cannot deactivate your own account.' });
      expect((await send('PATCH', url, { is_staff: 'no' })).json()).toEqual({ detail: 'You cannot remove your own staff status.' });
      expect((await remove(url)).json()).toEqual({ detail: 'You cannot delete your own account.' });
      expect((await send('PATCH', url, { email: 'stella@example.com' })).statusCode).toBe(200);
    });

    it('edits with PUT, validates, and answers 404 for a missing user', async () => {
      const alice = await t.createUser('alice');
      const url = `/api/admin/users/${alice.id}/`;
      expect((await send('PUT', url, { email: 'a@example.com' })).json()).toEqual({ username: ['This field is required.'] });
      expect((await send('PUT', url, { username: 'boss' })).json()).toEqual({ username: ['A user with that username already exists.'] });
      expect((await send('PATCH', url, { is_staff: 'perhaps' })).json()).toEqual({ is_staff: ['Must be a valid boolean.'] });
      const put = await send('PUT', url, { username: 'alicia', last_name: 'L' });
      expect(put.json()).toMatchObject({ username: 'alicia', last_name: 'L', is_active: true });
      for (const missing of ['/api/admin/users/9999/', '/api/admin/users/abc/']) {
        const response = await get(missing);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ detail: 'Not found.' });
      }
    });

    it('sets a password, keeping the token, and deletes a user with their token', async () => {
      const alice = await t.createUser('alice');
      const key = await t.login('alice');
      const short = await send('POST', `/api/admin/users/${alice.id}/set-password/`, { password: 'short' });
      expect(short.json()).toEqual({ password: ['This password is too short. It must contain at least 8 characters.'] });
      const changed = await send('POST', `/api/admin/users/${alice.id}/set-password/`, { password: ' new secret 9 ' });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toEqual({ message: 'Password changed.' });
      expect((await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: TEST_PASSWORD } })).statusCode).toBe(400);
      const login = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: ' new secret 9 ' } });
      expect(login.json()).toEqual({ token: key });

      expect((await remove(`/api/admin/users/${alice.id}/`)).statusCode).toBe(204);
      expect((await get(`/api/admin/users/${alice.id}/`)).statusCode).toBe(404);
      const refused = await get('/api/products/', { authorization: `Token ${key}` });
      expect(refused.json()).toEqual({ detail: 'Invalid token.' });
      const actions = (await auditEntries(`&object_type=user&object_id=${alice.id}`)).map((entry) => entry.action);
      expect(actions).toEqual(['user_deleted', 'login', 'login_failed', 'password_changed', 'login']);
    });
  });

  describe('tokens', () => {
    it('lists key prefixes only, resets a key (shown once) and revokes', async () => {
      const alice = await t.createUser('alice');
      const oldKey = await t.login('alice');
      const list = (await get('/api/admin/tokens/?search=ALI')).json();
      expect(list.count).toBe(1);
      expect(list.results).toEqual([{ user: { id: alice.id, username: 'alice' }, key_prefix: oldKey.slice(0, 6), created: expect.stringMatching(ISO_UTC) }]);
      expect(JSON.stringify((await get('/api/admin/tokens/')).json())).not.toContain(oldKey);
      const newest = (await get('/api/admin/tokens/')).json().results.map((token: { user: { username: string } }) => token.user.username);
      expect(newest).toEqual(['alice', 'stella', 'boss']);

      const reset = await send('POST', '/api/admin/tokens/', { user: alice.id });
      expect(reset.statusCode).toBe(201);
      const body = reset.json();
      expect(body).toEqual({ user: { id: alice.id, username: 'alice' }, key: expect.stringMatching(/^[0-9a-f]{40}$/), key_prefix: body.key.slice(0, 6), created: expect.stringMatching(ISO_UTC) });
      expect(body.key).not.toBe(oldKey);
      expect((await get('/api/products/', { authorization: `Token ${oldKey}` })).json()).toEqual({ detail: 'Invalid token.' });
      expect((await get('/api/products/', { authorization: `Token ${body.key}` })).statusCode).toBe(200);
      expect((await get(`/api/admin/tokens/${alice.id}/`)).json().key_prefix).toBe(body.key.slice(0, 6));

      expect((await remove(`/api/admin/tokens/${alice.id}/`)).statusCode).toBe(204);
      expect((await remove(`/api/admin/tokens/${alice.id}/`)).statusCode).toBe(404);
      expect((await get(`/api/admin/tokens/${alice.id}/`)).statusCode).toBe(404);
      expect((await get('/api/products/', { authorization: `Token ${body.key}` })).statusCode).toBe(401);

      const created = await send('POST', '/api/admin/tokens/', { user: String(alice.id) });
      expect(created.statusCode).toBe(201);
      const actions = (await auditEntries('&object_type=token')).map((entry) => [entry.action, entry.actor?.username ?? null]);
      expect(actions).toEqual([['token_created', 'stella'], ['token_revoked', 'stella'], ['token_reset', 'stella']]);
    });

    it("answers DRF's PrimaryKeyRelatedField errors", async () => {
      const cases: Array<[unknown, unknown]> = [
        [{}, { user: ['This field is required.'] }],
        [{ user: null }, { user: ['This field may not be null.'] }],
        [{ user: 9999 }, { user: ['Invalid pk "9999" - object does not exist.'] }],
        [{ user: 'abc' }, { user: ['Incorrect type. Expected pk value, received str.'] }],
        [{ user: true }, { user: ['Incorrect type. Expected pk value, received bool.'] }],
        [[1], { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
      ];
      for (const [payload, expected] of cases) {
        const response = await send('POST', '/api/admin/tokens/', payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json()).toEqual(expected);
      }
    });
  });

  describe('products', () => {
    it('creates, searches, orders, edits and deletes with the products validation, recording each write', async () => {
      const invalid = await send('POST', '/api/admin/products/', { name: '', price: '123456789.123' });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json()).toEqual({ name: ['This field may not be blank.'], price: ['Ensure that there are no more than 10 digits in total.'] });

      const ids: number[] = [];
      for (const [name, price] of [['Blue pen', '9.5'], ['Red pen', '10'], ['Notebook', '2.25']] as const) {
        const created = await send('POST', '/api/admin/products/', { name, price });
        expect(created.statusCode).toBe(201);
        ids.push(created.json().id);
      }
      const names = async (query: string) => (await get(`/api/admin/products/?${query}`)).json().results.map((p: { name: string }) => p.name);
      expect(await names('search=PEN')).toEqual(['Blue pen', 'Red pen']);
      expect(await names('ordering=price')).toEqual(['Notebook', 'Blue pen', 'Red pen']);
      expect(await names('ordering=-price')).toEqual(['Red pen', 'Blue pen', 'Notebook']);

      const url = `/api/admin/products/${ids[0]}/`;
      const patched = await send('PATCH', url, { price: '8.99', description: 'Fine tip' });
      expect(patched.json()).toMatchObject({ name: 'Blue pen', price: '8.99', description: 'Fine tip' });
      expect((await send('PATCH', url, { price: 'abc' })).json()).toEqual({ price: ['A valid number is required.'] });
      expect((await remove(url)).statusCode).toBe(204);
      expect((await get(url)).statusCode).toBe(404);

      const entries = await auditEntries('&object_type=product');
      expect(entries.map((entry) => entry.action)).toEqual(['product_deleted', 'product_updated', 'product_created', 'product_created', 'product_created']);
      expect(entries[1]!.changes).toEqual({ description: ['', 'Fine tip'], price: ['9.50', '8.99'] });
      expect(entries[4]!.changes).toEqual({ name: 'Blue pen', description: '', price: '9.50' });
    });
  });

  describe('audit log', () => {
    it('records logins, failures and logouts with the address, and filters them', async () => {
      await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'stella', password: 'wrong' }, remoteAddress: '10.0.0.9' });
      await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'ghost', password: 'wrong' } });
      await t.createUser('alice');
      const key = await t.login('alice');
      await t.inject({ method: 'POST', url: '/api/logout/', headers: { authorization: `Token ${key}` } });

      const failed = await auditEntries('&action=login_failed');
      expect(failed.map((entry) => [entry.actor, entry.object_repr, entry.object_id, entry.ip])).toEqual([
        [null, 'ghost', null, '127.0.0.1'],
        [null, 'stella', String(staff.id), '10.0.0.9'],
      ]);
      const byAlice = await auditEntries('&actor=alice');
      expect(byAlice.map((entry) => entry.action)).toEqual(['logout', 'login']);
      expect(await auditEntries('&search=ghost')).toHaveLength(1);
      expect(await auditEntries('&since=2000-01-01&until=2000-01-02')).toEqual([]);
      expect((await auditEntries('&since=2000-01-01T00:00:00Z')).length).toBeGreaterThanOrEqual(6);

      const one = await get(`/api/admin/audit-log/${byAlice[0]!.id}/`);
      expect(one.json()).toEqual(byAlice[0]);
      const bad = await get('/api/admin/audit-log/?since=yesterday');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ since: ['Enter a valid date/time.'] });
      expect((await get('/api/admin/audit-log/?until=2026-02-30')).statusCode).toBe(400);
      // PostgreSQL cannot compare a string with a NUL: refused as Django's forms refuse it.
      const nul = await get('/api/admin/audit-log/?object_id=%00');
      expect(nul.statusCode).toBe(400);
      expect(nul.json()).toEqual({ object_id: ['Null characters are not allowed.'] });
      expect((await get('/api/admin/users/?search=%00')).statusCode).toBe(200);
      const write = await send('POST', '/api/admin/audit-log/', {});
      expect(write.statusCode).toBe(405);
      expect(write.headers.allow).toBe('GET, HEAD, OPTIONS');
    });
  });
});
