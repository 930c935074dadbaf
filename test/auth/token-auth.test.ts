// The token flow over HTTP, on every database: login (POST /api/token-auth/), the
// Authorization header as DRF's TokenAuthentication reads it, logout, throttling.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestKey } from '../../src/auth/tokens.js';
import { memoryLoginThrottle } from '../../src/auth/throttle.js';
import { hashPassword } from '../../src/auth/passwords.js';
import type { User } from '../../src/auth/users.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const UNABLE = { non_field_errors: ['Unable to log in with provided credentials.'] };

describe.each(DIALECTS)('token authentication on %s', (dialect) => {
  let t: TestApp;
  let alice: User;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    alice = await t.createUser('alice');
  });
  afterEach(async () => {
    await t.close();
  });

  describe('POST /api/token-auth/', () => {
    it('answers a 40-hex key as {"token"} with DRF headers', async () => {
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: TEST_PASSWORD } });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json())).toEqual(['token']);
      expect(response.json().token).toMatch(/^[0-9a-f]{40}$/);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers.allow).toBe('POST, OPTIONS');
      expect(response.headers.vary).toBe('Origin');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('same-origin');
    });

    it('returns the same key on every login, and never stores it readable', async () => {
      const first = await t.login('alice');
      const second = await t.login('alice');
      expect(second).toBe(first);
      const rows = await t.database.db.kysely.selectFrom('tessera_token').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.key_digest).toBe(digestKey(first));
      expect(JSON.stringify(rows)).not.toContain(first);
    });

    it('accepts form-urlencoded and multipart bodies', async () => {
      const form = await t.inject({
        method: 'POST', url: '/api/token-auth/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=alice&password=${encodeURIComponent(TEST_PASSWORD)}`,
      });
      expect(form.statusCode).toBe(200);
      const boundary = 'XyZ123';
      const multipart = await t.inject({
        method: 'POST', url: '/api/token-auth/',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n--${boundary}\r\nContent-Disposition: form-data; name="password"\r\n\r\n${TEST_PASSWORD}\r\n--${boundary}--\r\n`,
      });
      expect(multipart.statusCode).toBe(200);
      expect(multipart.json()).toEqual(form.json());
    });

    it.each([
      ['wrong password', { username: 'alice', password: 'nope' }, UNABLE],
      ['unknown user', { username: 'nobody', password: TEST_PASSWORD }, UNABLE],
      ['password with a space added (not trimmed)', { username: 'alice', password: ` ${TEST_PASSWORD}` }, UNABLE],
      ['missing password', { username: 'alice' }, { password: ['This field is required.'] }],
      ['empty object', {}, { username: ['This field is required.'], password: ['This field is required.'] }],
      ['blank fields', { username: '  ', password: '' }, { username: ['This field may not be blank.'], password: ['This field may not be blank.'] }],
      ['nulls', { username: null, password: null }, { username: ['This field may not be null.'], password: ['This field may not be null.'] }],
      ['booleans and lists', { username: true, password: ['x'] }, { username: ['Not a valid string.'], password: ['Not a valid string.'] }],
      ['NUL characters', { username: 'a\u0000', password: 'b\u0000' }, { username: ['Null characters are not allowed.'], password: ['Null characters are not allowed.'] }],
    ])('%s -> 400 with DRF\'s messages', async (_name, payload, expected) => {
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(expected);
    });

    it('trims the username', async () => {
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: ' alice\t', password: TEST_PASSWORD } });
      expect(response.statusCode).toBe(200);
    });

    it('takes numbers as their Python string', async () => {
      await t.createUser('12');
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: '{"username": 12, "password": 1.0}', headers: { 'content-type': 'application/json' } });
      // "1.0" is not the password, but the number was read as a string, not refused.
      expect(response.json()).toEqual(UNABLE);
    });

    it('refuses an inactive user with the same message as a wrong password', async () => {
      await t.createUser('sleepy', { isActive: false });
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'sleepy', password: TEST_PASSWORD } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(UNABLE);
    });

    it.each([
      ['[1, 2]', { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
      ['"text"', { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }],
      ['null', { non_field_errors: ['No data provided'] }],
      ['{"username": "a",}', { detail: 'JSON parse error - Expecting property name enclosed in double quotes: line 1 column 18 (char 17)' }],
    ])('body %s -> 400', async (payload, expected) => {
      const response = await t.inject({ method: 'POST', url: '/api/token-auth/', payload, headers: { 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(expected);
    });

    it('answers 405 for GET and 415 for an unknown content type', async () => {
      const get = await t.inject({ method: 'GET', url: '/api/token-auth/' });
      expect(get.statusCode).toBe(405);
      expect(get.json()).toEqual({ detail: 'Method "GET" not allowed.' });
      expect(get.headers.allow).toBe('POST, OPTIONS');
      const text = await t.inject({ method: 'POST', url: '/api/token-auth/', payload: 'x', headers: { 'content-type': 'text/plain' } });
      expect(text.statusCode).toBe(415);
      expect(text.json()).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
    });

    it('ignores a stale Authorization header (better than DRF, which answers 401)', async () => {
      const response = await t.inject({
        method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: TEST_PASSWORD },
        headers: { authorization: 'Token 0000000000000000000000000000000000000000' },
      });
      expect(response.statusCode).toBe(200);
    });

    it('serves the path without its trailing slash as with it (never a 301)', async () => {
      const response = await t.inject({ method: 'POST', url: '/api/token-auth', payload: { username: 'alice', password: TEST_PASSWORD } });
      expect(response.statusCode).toBe(200);
      expect(response.json().token).toMatch(/^[0-9a-f]{40}$/);
    });

    it('upgrades a Django PBKDF2 hash to argon2 on a correct login', async () => {
      const fixtures = (await import('../fixtures/django-password-hashes.json', { with: { type: 'json' } })).default;
      await t.createUser('legacy', { passwordHash: fixtures.hashes.pbkdf2_sha256 });
      const token = await t.login('legacy', fixtures.password);
      expect(token).toMatch(/^[0-9a-f]{40}$/);
      const row = await t.database.db.kysely.selectFrom('auth_user').select('password').where('username', '=', 'legacy').executeTakeFirstOrThrow();
      expect(row.password).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$/);
      expect(await t.login('legacy', fixtures.password)).toBe(token);
    });

    it('describes itself on OPTIONS as DRF does', async () => {
      const response = await t.inject({ method: 'OPTIONS', url: '/api/token-auth/' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('{"name":"Obtain Auth Token","description":"","renders":["application/json"],"parses":["application/x-www-form-urlencoded","multipart/form-data","application/json"],"actions":{"POST":{"username":{"type":"string","required":true,"read_only":false,"label":"Username"},"password":{"type":"string","required":true,"read_only":false,"label":"Password"},"token":{"type":"string","required":false,"read_only":true,"label":"Token"}}}}');
    });
  });

  describe('Authorization header', () => {
    let key: string;
    beforeEach(async () => {
      key = await t.token(alice);
    });

    it.each([
      ['Token <key>', (k: string) => `Token ${k}`],
      ['token <key>', (k: string) => `token ${k}`],
      ['TOKEN <key>', (k: string) => `TOKEN ${k}`],
      ['tab between', (k: string) => `Token\t${k}`],
      ['many spaces between', (k: string) => `Token     ${k}`],
      ['trailing space', (k: string) => `Token ${k} `],
    ])('%s authenticates', async (_name, header) => {
      const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: header(key) } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([]);
    });

    it.each([
      ['Bearer <key>', (k: string) => `Bearer ${k}`],
      ['Basic', () => 'Basic YWxpY2U6cHc='],
      ['a bare key', (k: string) => k],
      ['Token<key> glued', (k: string) => `Token${k}`],
      ['empty', () => ''],
    ])('%s is another scheme: anonymous, 401 not provided', async (_name, header) => {
      const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: header(key) } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(NOT_PROVIDED);
      expect(response.headers['www-authenticate']).toBe('Token');
    });

    it.each([
      ['Token', 'Invalid token header. No credentials provided.'],
      ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
      ['Token 0123456789abcdef0123456789abcdef01234567', 'Invalid token.'],
      ['Token \u00ff\u00fe', 'Invalid token header. Token string should not contain invalid characters.'],
    ])('%j -> 401 %s', async (header, detail) => {
      const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: header } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail });
      expect(response.headers['www-authenticate']).toBe('Token');
      expect(response.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
    });

    it('reads a UTF-8 key as DRF does (and finds no such token)', async () => {
      const header = Buffer.from('Token clé', 'utf8').toString('latin1');
      const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: header } });
      expect(response.json()).toEqual({ detail: 'Invalid token.' });
    });

    it('refuses the key of a user made inactive at once', async () => {
      await t.database.db.kysely.updateTable('auth_user').set({ is_active: false }).where('username', '=', 'alice').execute();
      const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${key}` } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ detail: 'User inactive or deleted.' });
    });
  });

  describe('POST /api/logout/', () => {
    it('deletes the token; the key is then invalid and a new login makes a new key', async () => {
      const key = await t.token(alice);
      const response = await t.inject({ method: 'POST', url: '/api/logout/', headers: { authorization: `Token ${key}` } });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('{"message":"Logout successful"}');
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers.vary).toBe('Accept, Origin');
      const after = await t.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${key}` } });
      expect(after.json()).toEqual({ detail: 'Invalid token.' });
      const again = await t.login('alice');
      expect(again).not.toBe(key);
    });

    it('needs a token, and never reads the body', async () => {
      const anonymous = await t.inject({ method: 'POST', url: '/api/logout/' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toEqual(NOT_PROVIDED);
      const key = await t.token(alice);
      const malformed = await t.inject({
        method: 'POST', url: '/api/logout/', payload: '{bad',
        headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      });
      expect(malformed.statusCode).toBe(200);
    });

    it('answers 405 for GET, after authentication', async () => {
      const anonymous = await t.inject({ method: 'GET', url: '/api/logout/' });
      expect(anonymous.statusCode).toBe(401);
      const key = await t.token(alice);
      const response = await t.inject({ method: 'GET', url: '/api/logout/', headers: { authorization: `Token ${key}` } });
      expect(response.statusCode).toBe(405);
      expect(response.json()).toEqual({ detail: 'Method "GET" not allowed.' });
      expect(response.headers.allow).toBe('POST, OPTIONS');
    });
  });
});

describe.each(DIALECTS)('login throttling on %s', (dialect) => {
  let t: TestApp;
  let now = 0;
  beforeEach(async () => {
    now = 1_000_000;
    t = await createTestApp(dialect, { throttle: memoryLoginThrottle({ perUsername: 3, perAddress: 5, windowSeconds: 60 }, () => now) });
    await t.createUser('alice');
    await t.createUser('bob');
  });
  afterEach(async () => {
    await t.close();
  });

  const attempt = (username: string, password: string) =>
    t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username, password } });

  it('answers 429 with Retry-After after too many failures for a username, until the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('alice', 'wrong')).statusCode).toBe(400);
    const throttled = await attempt('alice', TEST_PASSWORD);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toEqual({ detail: 'Request was throttled. Expected available in 60 seconds.' });
    expect(throttled.headers['retry-after']).toBe('60');
    expect((await attempt('bob', TEST_PASSWORD)).statusCode).toBe(200);
    now += 61_000;
    expect((await attempt('alice', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('limits failures per client address across usernames', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) await attempt(name, 'wrong');
    expect((await attempt('alice', TEST_PASSWORD)).statusCode).toBe(429);
  });

  it('a successful login clears the username count', async () => {
    await attempt('alice', 'wrong');
    await attempt('alice', 'wrong');
    expect((await attempt('alice', TEST_PASSWORD)).statusCode).toBe(200);
    await attempt('alice', 'wrong');
    await attempt('alice', 'wrong');
    expect((await attempt('alice', TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('a real argon2 login', () => {
  it('verifies a freshly hashed password at full cost', async () => {
    const t = await createTestApp('sqlite');
    try {
      await t.createUser('carol', { passwordHash: await hashPassword('s3cret-pass') });
      expect(await t.login('carol', 's3cret-pass')).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await t.close();
    }
  });
});
