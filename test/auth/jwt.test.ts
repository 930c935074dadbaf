// SimpleJWT beside Token (JWT_AUTH=true), on every database: the four views, the Bearer
// scheme, the blacklist, tokens made by Django, and where Tessera does better on purpose.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listOutstanding } from '../../src/auth/jwt/blacklist.js';
import { jwtCodec } from '../../src/auth/jwt/tokens.js';
import { hashPassword } from '../../src/auth/passwords.js';
import type { JwtSettings } from '../../src/config.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/simplejwt-tokens.json', import.meta.url), 'utf8'));

const SETTINGS: JwtSettings = {
  signingKey: fixture.signing_key,
  accessLifetimeSeconds: 300,
  refreshLifetimeSeconds: 86_400,
  rotateRefreshTokens: false,
  blacklistAfterRotation: false,
};

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

const INVALID = { detail: 'Token is invalid or expired', code: 'token_not_valid' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const NO_ACTIVE_ACCOUNT = { detail: 'No active account found with the given credentials' };

describe('JWT_AUTH=false (the default)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('has no JWT views, and a Bearer header stays anonymous', async () => {
    t = await createTestApp('sqlite');
    await t.createUser('alice');
    const codec = jwtCodec(t.config.secretKey);
    const access = await codec.sign({ token_type: 'access', exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000), jti: 'a'.repeat(32), user_id: 1 });
    const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Bearer ${access}` } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect((await t.inject({ method: 'POST', url: '/api/token/', payload: { username: 'alice', password: TEST_PASSWORD } })).statusCode).toBe(404);
  });
});

describe.each(DIALECTS)('SimpleJWT beside Token on %s', (dialect) => {
  let t: TestApp;
  async function start(settings: Partial<JwtSettings> = {}): Promise<void> {
    t = await createTestApp(dialect, { config: { jwt: { ...SETTINGS, ...settings } } });
    await t.createUser('alice');
  }
  async function pair(username = 'alice', password = TEST_PASSWORD): Promise<{ refresh: string; access: string }> {
    const response = await t.inject({ method: 'POST', url: '/api/token/', payload: { username, password } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }
  const post = (url: string, payload: unknown) => t.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  const products = (authorization: string) => t.inject({ method: 'GET', url: '/api/products/', headers: { authorization } });

  afterEach(async () => {
    vi.useRealTimers();
    await t.close();
  });

  describe('the views', () => {
    beforeEach(() => start());

    it('POST /api/token/ answers a refresh and an access token with SimpleJWT claims, and records the refresh token', async () => {
      const { refresh, access } = await pair();
      const a = claims(access);
      const r = claims(refresh);
      expect(Object.keys(a)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect(Object.keys(r)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect([a.token_type, r.token_type]).toEqual(['access', 'refresh']);
      expect(Number(a.exp) - Number(a.iat)).toBe(300);
      expect(Number(r.exp) - Number(r.iat)).toBe(86_400);
      expect(a.user_id).toBe(1);
      const outstanding = await listOutstanding(t.database.db.kysely, 1);
      expect(outstanding.map((token) => [token.jti, token.blacklisted_at])).toEqual([[r.jti, null]]);
    });

    it('answers SimpleJWT\'s validation errors, its 401 with a Bearer challenge, and its OPTIONS', async () => {
      expect((await post('/api/token/', {})).json()).toEqual({ username: ['This field is required.'], password: ['This field is required.'] });
      const wrong = await post('/api/token/', { username: 'alice', password: 'wrong' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toEqual(NO_ACTIVE_ACCOUNT);
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="api"');
      const refresh = await post('/api/token/refresh/', { refresh: 'x.y.z' });
      expect([refresh.statusCode, refresh.json(), refresh.headers['www-authenticate']]).toEqual([401, INVALID, 'Bearer realm="api"']);
      expect((await post('/api/token/verify/', { token: '' })).json()).toEqual({ token: ['This field may not be blank.'] });
      const options = await t.inject({ method: 'OPTIONS', url: '/api/token/refresh/' });
      expect(options.json()).toMatchObject({
        name: 'Token Refresh',
        actions: { POST: { refresh: { type: 'string', required: true, read_only: false, label: 'Refresh' }, access: { type: 'string', required: false, read_only: true, label: 'Access' } } },
      });
      expect((await t.inject({ method: 'GET', url: '/api/token/' })).json()).toEqual({ detail: 'Method "GET" not allowed.' });
    });

    it('refreshes, verifies and blacklists as SimpleJWT does', async () => {
      const { refresh, access } = await pair();
      const refreshed = await post('/api/token/refresh/', { refresh });
      expect(Object.keys(refreshed.json())).toEqual(['access']);
      const fresh = claims(refreshed.json().access);
      // The access token copies the refresh token's claims but type, exp and jti (iat too).
      expect(fresh.iat).toBe(claims(refresh).iat);
      expect(fresh.user_id).toBe(1);
      expect((await post('/api/token/verify/', { token: access })).json()).toEqual({});
      expect((await post('/api/token/verify/', { token: refresh })).json()).toEqual({});
      expect((await post('/api/token/blacklist/', { refresh: access })).json()).toEqual({ detail: 'Token has wrong type', code: 'token_not_valid' });
      expect((await post('/api/token/blacklist/', { refresh })).json()).toEqual({});
      expect((await post('/api/token/refresh/', { refresh })).json()).toEqual(BLACKLISTED);
      expect((await post('/api/token/blacklist/', { refresh })).json()).toEqual(BLACKLISTED);
      // Without BLACKLIST_AFTER_ROTATION, verify does not look at the blacklist (SimpleJWT's default).
      expect((await post('/api/token/verify/', { token: refresh })).json()).toEqual({});
      expect((await listOutstanding(t.database.db.kysely, 1))[0]!.blacklisted_at).not.toBeNull();
    });

    it('shares the login throttle with /api/token-auth/', async () => {
      await t.close();
      t = await createTestApp(dialect, { config: { jwt: SETTINGS, loginFailuresAllowed: 2 } });
      await t.createUser('alice');
      await post('/api/token-auth/', { username: 'alice', password: 'wrong' });
      await post('/api/token/', { username: 'alice', password: 'wrong' });
      const throttled = await post('/api/token/', { username: 'alice', password: TEST_PASSWORD });
      expect(throttled.statusCode).toBe(429);
      expect(throttled.headers['retry-after']).toMatch(/^\d+$/);
    });
  });

  describe('the Bearer scheme', () => {
    beforeEach(() => start());

    it('authenticates every view Token protects, the admin API included, and keeps Token working', async () => {
      const { access } = await pair();
      expect((await products(`Bearer ${access}`)).statusCode).toBe(200);
      expect((await products(`Token ${await t.login('alice')}`)).statusCode).toBe(200);
      expect((await t.inject({ method: 'GET', url: '/api/admin/users/', headers: { authorization: `Bearer ${access}` } })).statusCode).toBe(403);
      await t.createUser('root', { isStaff: true, isSuperuser: true });
      const staff = await pair('root');
      expect((await t.inject({ method: 'GET', url: '/api/admin/users/', headers: { authorization: `Bearer ${staff.access}` } })).statusCode).toBe(200);
    });

    it.each([
      ['bearer abc', 401, { detail: 'Authentication credentials were not provided.' }],
      ['JWT abc', 401, { detail: 'Authentication credentials were not provided.' }],
      ['Bearer', 401, { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }],
      ['Bearer a b', 401, { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }],
      ['Bearer garbage', 401, {
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
      }],
    ])('reads %j as SimpleJWT does, with the first scheme\'s challenge', async (header, status, body) => {
      const response = await products(header);
      expect([response.statusCode, response.json(), response.headers['www-authenticate']]).toEqual([status, body, 'Token']);
    });

    it('refuses a refresh token, an unknown user and an inactive user with SimpleJWT\'s codes', async () => {
      const { refresh, access } = await pair();
      expect((await products(`Bearer ${refresh}`)).json().messages[0].message).toBe('Token has wrong type');
      const codec = jwtCodec(SETTINGS.signingKey);
      const now = Math.floor(Date.now() / 1000);
      const nobody = await codec.sign({ ...claims(access), user_id: 999 });
      expect((await products(`Bearer ${nobody}`)).json()).toEqual({ detail: 'User not found', code: 'user_not_found' });
      const anonymous = await codec.sign({ token_type: 'access', exp: now + 60, iat: now, jti: 'b'.repeat(32) });
      expect((await products(`Bearer ${anonymous}`)).json()).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
      const expired = await codec.sign({ ...claims(access), exp: now - 1 });
      expect((await products(`Bearer ${expired}`)).json().messages[0].message).toBe('Token is invalid or expired');
      const otherKey = await jwtCodec('another-key-another-key-another-key-0000').sign(claims(access));
      expect((await products(`Bearer ${otherKey}`)).json().messages[0].message).toBe('Token is invalid or expired');
      await t.database.db.kysely.updateTable('auth_user').set({ is_active: false }).where('username', '=', 'alice').execute();
      expect((await products(`Bearer ${access}`)).json()).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
    });
  });

  describe('tokens made by Django', () => {
    beforeEach(() => start());

    it('verifies what SimpleJWT signed with the same key, and signs what PyJWT would', async () => {
      const alice = (await t.database.db.kysely.selectFrom('auth_user').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()).id;
      expect(alice).toBe(fixture.made_by_simplejwt.user_id);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date((claims(fixture.made_by_simplejwt.access).iat as number + 60) * 1000));
      expect((await products(`Bearer ${fixture.made_by_simplejwt.access}`)).statusCode).toBe(200);
      const refreshed = await post('/api/token/refresh/', { refresh: fixture.made_by_simplejwt.refresh });
      expect(refreshed.statusCode).toBe(200);
      expect((await products(`Bearer ${refreshed.json().access}`)).statusCode).toBe(200);
      // SimpleJWT 5.5.1+ writes user_id as a string: the same user. (Its iat is later: PyJWT
      // refuses a token issued in the future, and so does Tessera.)
      expect((await products(`Bearer ${fixture.made_by_pyjwt.token}`)).statusCode).toBe(401);
      vi.setSystemTime(new Date((fixture.made_by_pyjwt.claims.iat + 60) * 1000));
      expect((await products(`Bearer ${fixture.made_by_pyjwt.token}`)).statusCode).toBe(200);
      // HS256 is deterministic: the same bytes as PyJWT's, so Django verifies Tessera's tokens.
      expect(await jwtCodec(fixture.signing_key).sign(fixture.made_by_pyjwt.claims)).toBe(fixture.made_by_pyjwt.token);
    });
  });

  describe('better than SimpleJWT, on purpose', () => {
    it('does not trim the password', async () => {
      await start();
      await t.createUser('spaced', { passwordHash: await hashPassword('  spaced password  ') });
      expect((await pair('spaced', '  spaced password  ')).access).toBeDefined();
      expect((await post('/api/token/', { username: 'spaced', password: 'spaced password' })).statusCode).toBe(401);
    });

    it('refuses to refresh for a user who is inactive or gone', async () => {
      await start();
      const { refresh } = await pair();
      await t.database.db.kysely.updateTable('auth_user').set({ is_active: false }).where('username', '=', 'alice').execute();
      const response = await post('/api/token/refresh/', { refresh });
      expect([response.statusCode, response.json(), response.headers['www-authenticate']]).toEqual([401, NO_ACTIVE_ACCOUNT, 'Bearer realm="api"']);
    });

    it('rotates race-free: of concurrent refreshes of one token, exactly one succeeds', async () => {
      await start({ rotateRefreshTokens: true, blacklistAfterRotation: true });
      const { refresh } = await pair();
      const answers = await Promise.all(Array.from({ length: 8 }, () => post('/api/token/refresh/', { refresh })));
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
      const winner = answers.find((answer) => answer.statusCode === 200)!.json();
      expect(Object.keys(winner)).toEqual(['access', 'refresh']);
      expect(answers.filter((answer) => answer.statusCode === 401).map((answer) => answer.json())).toEqual(Array(7).fill(BLACKLISTED));
      // The rotated token is recorded (SimpleJWT 5.2 forgets it) and works once.
      const outstanding = await listOutstanding(t.database.db.kysely, 1);
      expect(outstanding.map((token) => token.jti)).toContain(claims(winner.refresh).jti);
      expect((await post('/api/token/refresh/', { refresh: winner.refresh })).statusCode).toBe(200);
      // With blacklisting after rotation, verify says a used refresh token is blacklisted.
      expect((await post('/api/token/verify/', { token: refresh })).json()).toEqual({ non_field_errors: ['Token is blacklisted'] });
    });

    it('answers a Bearer logout with JSON and ends nothing it cannot see', async () => {
      await start();
      const key = await t.login('alice');
      const { refresh, access } = await pair();
      const response = await t.inject({ method: 'POST', url: '/api/logout/', headers: { authorization: `Bearer ${access}` } });
      expect([response.statusCode, response.json()]).toEqual([200, { message: 'Logout successful' }]);
      expect((await products(`Token ${key}`)).statusCode).toBe(200);
      expect((await post('/api/token/refresh/', { refresh })).statusCode).toBe(200);
    });
  });

  describe('ending refresh tokens with the account', () => {
    beforeEach(() => start());

    it('log out everywhere blacklists every refresh token of the user', async () => {
      const first = await pair();
      const second = await pair();
      const response = await t.inject({ method: 'POST', url: '/api/logout-all/', headers: { authorization: `Bearer ${first.access}` } });
      expect(response.statusCode).toBe(200);
      for (const { refresh } of [first, second]) expect((await post('/api/token/refresh/', { refresh })).json()).toEqual(BLACKLISTED);
    });

    it('deactivating a user in the admin blacklists their refresh tokens, and re-activating does not revive them', async () => {
      const { refresh } = await pair();
      await t.createUser('root', { isStaff: true, isSuperuser: true });
      const admin = { authorization: `Token ${await t.login('root')}` };
      expect((await t.inject({ method: 'PATCH', url: '/api/admin/users/1/', headers: admin, payload: { is_active: false } })).statusCode).toBe(200);
      expect((await t.inject({ method: 'PATCH', url: '/api/admin/users/1/', headers: admin, payload: { is_active: true } })).statusCode).toBe(200);
      expect((await post('/api/token/refresh/', { refresh })).json()).toEqual(BLACKLISTED);
    });

    it('the admin lists a user\'s refresh tokens and blacklists one', async () => {
      const first = await pair();
      await pair();
      await t.createUser('root', { isStaff: true, isSuperuser: true });
      const admin = { authorization: `Token ${await t.login('root')}` };
      const listed = await t.inject({ method: 'GET', url: '/api/admin/users/1/refresh-tokens/', headers: admin });
      expect(listed.statusCode).toBe(200);
      const tokens = listed.json() as Array<{ id: number; jti: string; blacklisted_at: string | null }>;
      expect(tokens).toHaveLength(2);
      const target = tokens.find((token) => token.jti === claims(first.refresh).jti)!;
      expect(target.blacklisted_at).toBeNull();
      const blacklisted = await t.inject({ method: 'POST', url: `/api/admin/users/1/refresh-tokens/${target.id}/blacklist/`, headers: admin });
      expect(blacklisted.statusCode).toBe(200);
      expect(blacklisted.json().blacklisted_at).toMatch(/Z$/);
      expect((await post('/api/token/refresh/', { refresh: first.refresh })).json()).toEqual(BLACKLISTED);
      expect((await t.inject({ method: 'POST', url: '/api/admin/users/1/refresh-tokens/99999/blacklist/', headers: admin })).statusCode).toBe(404);
      const audit = await t.inject({ method: 'GET', url: '/api/admin/audit-log/?action=token_revoked', headers: admin });
      expect(audit.json().results[0]).toMatchObject({ object_type: 'token', object_repr: 'alice', changes: { refresh_token: claims(first.refresh).jti } });
    });
  });
});
