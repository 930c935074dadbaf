// The example app through app.inject(), on SQLite and PostgreSQL: DRF's exact 401s on the
// route behind isAuthenticated, Tessera's login and logout, and the app's own routes left
// as they were (no authentication, its own error handler and JSON parser).
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser, hashPassword, revokeToken, type User } from 'tessera';
import { buildHelloApp } from '../src/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from './helpers/database.js';

const SECRET_KEY = 'fastify-plugin-test-secret-key-long-enough-0123';
const PASSWORD = 's3cret-pass';
const passwordHash = hashPassword(PASSWORD);

function detail(message: string): string {
  return JSON.stringify({ detail: message });
}

describe.each(DIALECTS)('the Fastify plugin example on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let alice: User;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    alice = await createUser(database.db.kysely, {
      username: 'alice', passwordHash: await passwordHash, is_active: true, is_staff: false, is_superuser: false,
    });
    app = await buildHelloApp({ db: database.db, secretKey: SECRET_KEY });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    await database.drop();
  });

  async function login(): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const body = response.json() as { token: string };
    expect(body).toEqual({ token: expect.stringMatching(/^[0-9a-f]{40}$/) });
    return body.token;
  }

  function hello(authorization?: string) {
    return app.inject({ method: 'GET', url: '/api/hello/', headers: authorization === undefined ? {} : { authorization } });
  }

  it('answers 200 with the user for a valid token', async () => {
    const token = await login();
    const response = await hello(`Token ${token}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ hello: 'alice' });
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    ['no Authorization header', undefined, 'Authentication credentials were not provided.'],
    ['another scheme', 'Bearer abc', 'Authentication credentials were not provided.'],
    ['Token alone', 'Token', 'Invalid token header. No credentials provided.'],
    ['a key with a space', 'Token a b', 'Invalid token header. Token string should not contain spaces.'],
    ['an unknown key', 'Token 0123456789abcdef0123456789abcdef01234567', 'Invalid token.'],
  ])('answers DRF\'s 401 for %s', async (_case, authorization, message) => {
    const response = await hello(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(detail(message));
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['www-authenticate']).toBe('Token');
  });

  it('refuses a revoked token with 401 Invalid token.', async () => {
    const token = await login();
    expect((await hello(`Token ${token}`)).statusCode).toBe(200);
    await revokeToken(database.db.kysely, alice.id);
    const response = await hello(`Token ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(detail('Invalid token.'));
    expect(response.headers['www-authenticate']).toBe('Token');
  });

  it('logs in with the same key again, and logs out with Tessera\'s logout', async () => {
    const token = await login();
    expect(await login()).toBe(token);
    const logout = await app.inject({ method: 'POST', url: '/api/logout/', headers: { authorization: `Token ${token}` } });
    expect(logout.statusCode).toBe(200);
    expect(logout.body).toBe('{"message":"Logout successful"}');
    const response = await hello(`Token ${token}`);
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(detail('Invalid token.'));
  });

  it('answers DRF\'s login errors from Tessera\'s view', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: 'nope' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toBe('{"non_field_errors":["Unable to log in with provided credentials."]}');
    const malformed = await app.inject({
      method: 'POST', url: '/api/token-auth/', headers: { 'content-type': 'application/json' }, payload: '{"username": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ detail: expect.stringMatching(/^JSON parse error - /) });
    const logout = await app.inject({ method: 'POST', url: '/api/logout/' });
    expect(logout.statusCode).toBe(401);
    expect(logout.body).toBe(detail('Authentication credentials were not provided.'));
    expect(logout.headers['www-authenticate']).toBe('Token');
  });

  it('leaves a route of the app without a permission untouched', async () => {
    for (const authorization of [undefined, 'Token', 'Token a b', 'Token 0123456789abcdef0123456789abcdef01234567']) {
      const response = await app.inject({ method: 'GET', url: '/health', headers: authorization === undefined ? {} : { authorization } });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('{"status":"ok"}');
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(response.headers['x-frame-options']).toBeUndefined();
    }
  });

  it('keeps the app\'s own JSON parser and error handler for its routes', async () => {
    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: [1, 2] }, headers: { authorization: 'Token' } });
    expect(echo.statusCode).toBe(200);
    expect(echo.json()).toEqual({ received: { a: [1, 2] } });
    const bad = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a": ' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json() as object)).toEqual(['error']);
  });
});
