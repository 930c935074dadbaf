// tesseraAuth's options beyond the example app: 403 versus 401, composed permissions,
// allowAny, defaultPermission, a prefix for Tessera's routes, and per-device tokens.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allowAny, and, createUser, hashPassword, isAdminUser, isAuthenticated, not, readOnly, tesseraAuth, type TesseraAuthOptions } from 'tessera';
import { createTestDatabase, DIALECTS, type TestDatabase } from './helpers/database.js';

const SECRET_KEY = 'fastify-plugin-test-secret-key-long-enough-0123';
const PASSWORD = 's3cret-pass';
const passwordHash = hashPassword(PASSWORD);

describe.each(DIALECTS)('tesseraAuth on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance | undefined;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    await createUser(database.db.kysely, {
      username: 'alice', passwordHash: await passwordHash, is_active: true, is_staff: false, is_superuser: false,
    });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await database.drop();
  });

  async function build(options: Partial<TesseraAuthOptions> = {}): Promise<FastifyInstance> {
    app = Fastify();
    await app.register(tesseraAuth, { db: database.db, secretKey: SECRET_KEY, routes: true, ...options });
    app.get('/me', { config: { permission: allowAny } }, async (request) => ({ user: request.user?.username ?? null }));
    app.get('/staff', { config: { permission: isAdminUser } }, async () => ({ ok: true }));
    app.route({
      method: ['GET', 'POST'], url: '/notes', config: { permission: and(isAuthenticated, not(readOnly)) }, handler: async () => ({ ok: true }),
    });
    app.get('/open', async (request) => ({ user: request.user }));
    await app.ready();
    return app;
  }

  async function login(server: FastifyInstance, url = '/api/token-auth/'): Promise<string> {
    const response = await server.inject({ method: 'POST', url, payload: { username: 'alice', password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    return (response.json() as { token: string }).token;
  }

  it('answers 403 to an authenticated user without the permission, 401 to an anonymous one', async () => {
    const server = await build();
    const token = await login(server);
    const denied = await server.inject({ method: 'GET', url: '/staff', headers: { authorization: `Token ${token}` } });
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toBe('{"detail":"You do not have permission to perform this action."}');
    expect(denied.headers['www-authenticate']).toBeUndefined();
    const anonymous = await server.inject({ method: 'GET', url: '/staff' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Token');
    // HEAD, Fastify's own route for a GET, is checked as the GET is.
    expect((await server.inject({ method: 'HEAD', url: '/staff' })).statusCode).toBe(401);
  });

  it('checks composed permissions with the method', async () => {
    const server = await build();
    const token = await login(server);
    const headers = { authorization: `Token ${token}` };
    expect((await server.inject({ method: 'GET', url: '/notes', headers })).statusCode).toBe(403);
    expect((await server.inject({ method: 'POST', url: '/notes', headers })).json()).toEqual({ ok: true });
  });

  it('authenticates on allowAny routes: anonymous, a user, or 401 for a bad token', async () => {
    const server = await build();
    const token = await login(server);
    expect((await server.inject({ method: 'GET', url: '/me' })).json()).toEqual({ user: null });
    expect((await server.inject({ method: 'GET', url: '/me', headers: { authorization: `Token ${token}` } })).json()).toEqual({ user: 'alice' });
    const bad = await server.inject({ method: 'GET', url: '/me', headers: { authorization: 'Token nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toBe('{"detail":"Invalid token."}');
  });

  it('leaves request.user null on a route without a permission', async () => {
    const server = await build();
    const token = await login(server);
    const response = await server.inject({ method: 'GET', url: '/open', headers: { authorization: `Token ${token}` } });
    expect(response.json()).toEqual({ user: null });
  });

  it('applies defaultPermission to routes that state none, not to Tessera\'s login', async () => {
    const server = await build({ defaultPermission: isAuthenticated });
    const open = await server.inject({ method: 'GET', url: '/open' });
    expect(open.statusCode).toBe(401);
    expect(open.body).toBe('{"detail":"Authentication credentials were not provided."}');
    const token = await login(server);
    expect((await server.inject({ method: 'GET', url: '/open', headers: { authorization: `Token ${token}` } })).statusCode).toBe(200);
  });

  it('serves only the routes asked for, under a prefix', async () => {
    const server = await build({ routes: { login: true, prefix: '/auth' } });
    await login(server, '/auth/api/token-auth/');
    expect((await server.inject({ method: 'POST', url: '/api/token-auth/' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'POST', url: '/auth/api/logout/' })).statusCode).toBe(404);
  });

  it('makes a token per login in per-device mode, and logs one device out alone', async () => {
    const server = await build({ tokenMode: 'per-device' });
    const phone = await login(server);
    const laptop = await login(server);
    expect(phone).not.toBe(laptop);
    const logout = await server.inject({ method: 'POST', url: '/api/logout/', headers: { authorization: `Token ${phone}` } });
    expect(logout.statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: '/me', headers: { authorization: `Token ${phone}` } })).statusCode).toBe(401);
    expect((await server.inject({ method: 'GET', url: '/me', headers: { authorization: `Token ${laptop}` } })).json()).toEqual({ user: 'alice' });
  });

  it('refuses a short secret key', async () => {
    app = Fastify();
    await expect(app.register(tesseraAuth, { db: database.db, secretKey: 'short' }).ready()).rejects.toThrow(/at least 32 characters/);
  });
});
