// Two Tessera processes on one PostgreSQL database, as two machines behind a load balancer
// run them (docs/deployment.md, "Several machines"): the same SECRET_KEY, REDIS_URL for the
// login throttle, TRUST_PROXY=true, JWT beside Token. What one instance does, the other
// sees on the very next request (no sleep between them): a login, a logout (one device or
// all), a token revoked by the admin or the CLI, a refresh token blacklisted, a user
// deactivated, failed logins counted. Nothing about a user or a token may be kept in one
// process's memory. Each request names the same client address (X-Forwarded-For, random),
// so the Redis counters this test makes are its own; they are deleted after.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/database.js';
import { createPostgresDatabase, PROJECT_ROOT, startServer, type RunningServer } from './helpers/server.js';

const run = promisify(execFile);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// The key names of src/auth/throttle.ts and accounts/throttle.ts (server.ts's prefixes, throttleKeys).
const THROTTLE_PREFIX = 'tessera:login:';
const ACCOUNT_THROTTLE_PREFIX = 'tessera:accounts:';
const PASSWORD = 'two-instances-pass';
const FAILURES_ALLOWED = 3;
const ACCOUNT_REQUESTS_ALLOWED = 2;

const INVALID_TOKEN = { detail: 'Invalid token.' };
const INACTIVE = { detail: 'User inactive or deleted.' };
const UNABLE_TO_LOG_IN = { non_field_errors: ['Unable to log in with provided credentials.'] };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };

type TokenMode = 'single' | 'per-device';

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** One instance as a client behind the load balancer reaches it. */
class Instance {
  constructor(readonly server: RunningServer, private readonly clientAddress: string) {}

  async call(method: string, path: string, options: { authorization?: string; body?: unknown } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.clientAddress };
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.server.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  }

  /** POST /api/token-auth/: the key, or the refusal. */
  async login(username: string, password = PASSWORD, device?: string): Promise<Answer> {
    return this.call('POST', '/api/token-auth/', { body: { username, password, ...(device === undefined ? {} : { device }) } });
  }

  async key(username: string, device?: string): Promise<string> {
    const answer = await this.login(username, PASSWORD, device);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body as { token: string }).token;
  }

  async products(authorization: string): Promise<Answer> {
    return this.call('GET', '/api/products/', { authorization });
  }
}

async function cli(database: string, secretKey: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, DATABASE_URL: database, SECRET_KEY: secretKey };
  return (await run(process.execPath, ['bin/tessera.js', ...args], { cwd: PROJECT_ROOT, env })).stdout;
}

const token = (key: string): string => `Token ${key}`;
const bearer = (access: string): string => `Bearer ${access}`;

describe.runIf(DIALECTS.includes('postgres')).each<TokenMode>(['single', 'per-device'])('two instances on one PostgreSQL (TOKEN_MODE=%s)', (tokenMode) => {
  const suffix = randomBytes(4).toString('hex');
  const alice = `alice_${suffix}`;
  const staff = `staff_${suffix}`;
  const guessed = `guessed_${suffix}`;
  const mailbox = `reset_${suffix}@example.com`;
  // A random address in the documentation prefix (RFC 3849), written canonically (as the
  // server keys it): this test's counters alone.
  const clientAddress = `2001:db8::${randomInt(0x1000, 0x10000).toString(16)}:${randomInt(0x1000, 0x10000).toString(16)}`;
  const secretKey = randomBytes(32).toString('hex');
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  let servers: RunningServer[] = [];
  let a: Instance;
  let b: Instance;
  let staffAuthorization: string;
  let aliceId: number;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = {
      DATABASE_URL: database.url,
      SECRET_KEY: secretKey,
      REDIS_URL,
      TRUST_PROXY: 'true',
      JWT_AUTH: 'true',
      TOKEN_MODE: tokenMode,
      LOGIN_FAILURES_ALLOWED: String(FAILURES_ALLOWED),
      ACCOUNT_REQUESTS_ALLOWED: String(ACCOUNT_REQUESTS_ALLOWED),
      WEB_ROOT: '',
    };
    // Both start at once: each applies the migrations under PostgreSQL's lock.
    const started = await Promise.allSettled([startServer('postgres', env), startServer('postgres', env)]);
    servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    a = new Instance(servers[0]!, clientAddress);
    b = new Instance(servers[1]!, clientAddress);
    await cli(database.url, secretKey, 'user', 'set', alice, '--password', PASSWORD);
    await cli(database.url, secretKey, 'user', 'set', staff, '--password', PASSWORD, '--staff');
    staffAuthorization = token(await a.key(staff, 'admin console'));
    const users = await b.call('GET', `/api/admin/users/?search=${alice}`, { authorization: staffAuthorization });
    aliceId = (users.body as { results: Array<{ id: number }> }).results[0]!.id;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
    const redis = new Redis(REDIS_URL);
    try {
      await redis.del(
        ...[alice, staff, guessed].map((name) => `${THROTTLE_PREFIX}user:${name}`),
        `${THROTTLE_PREFIX}addr:${clientAddress}`,
        `${ACCOUNT_THROTTLE_PREFIX}email:${mailbox}`,
        `${ACCOUNT_THROTTLE_PREFIX}addr:${clientAddress}`,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('are both ready, with the database, the migrations and Redis checked', async () => {
    for (const instance of [a, b]) {
      expect(await instance.call('GET', '/readyz')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', redis: 'ok' } } });
    }
  });

  it.runIf(tokenMode === 'single')('agree on a login and on logouts: one device, then every device', async () => {
    const key = await a.key(alice);
    expect((await b.products(token(key))).status).toBe(200);
    // DRF's get-or-create: the other instance hands out the same key.
    expect(await b.login(alice)).toEqual({ status: 200, body: { token: key } });

    expect(await a.call('POST', '/api/logout/', { authorization: token(key) })).toEqual({ status: 200, body: { message: 'Logout successful' } });
    expect(await b.products(token(key))).toEqual({ status: 401, body: INVALID_TOKEN });

    const next = await b.key(alice);
    expect(next).not.toBe(key);
    expect((await a.products(token(next))).status).toBe(200);
    expect(await b.call('POST', '/api/logout-all/', { authorization: token(next) })).toEqual({ status: 200, body: { message: 'Logged out of every device' } });
    expect(await a.products(token(next))).toEqual({ status: 401, body: INVALID_TOKEN });
  });

  it.runIf(tokenMode === 'per-device')('agree on logins and on logouts: one device, a device signed out from another, every device', async () => {
    const phone = await a.key(alice, 'phone');
    const laptop = await b.key(alice, 'laptop');
    expect((await b.products(token(phone))).status).toBe(200);
    expect((await a.products(token(laptop))).status).toBe(200);
    const devices = await b.call('GET', '/api/devices/', { authorization: token(laptop) });
    expect((devices.body as Array<{ name: string; current: boolean }>).map((device) => [device.name, device.current])).toEqual([['laptop', true], ['phone', false]]);

    expect(await a.call('POST', '/api/logout/', { authorization: token(phone) })).toEqual({ status: 200, body: { message: 'Logout successful' } });
    expect(await b.products(token(phone))).toEqual({ status: 401, body: INVALID_TOKEN });
    expect((await b.products(token(laptop))).status).toBe(200);

    const tablet = await a.key(alice, 'tablet');
    const listed = await a.call('GET', '/api/devices/', { authorization: token(tablet) });
    const tabletId = (listed.body as Array<{ id: number; current: boolean }>).find((device) => device.current)!.id;
    expect(await b.call('DELETE', `/api/devices/${tabletId}/`, { authorization: token(laptop) })).toEqual({ status: 204, body: null });
    expect(await a.products(token(tablet))).toEqual({ status: 401, body: INVALID_TOKEN });

    const watch = await b.key(alice, 'watch');
    expect(await a.call('POST', '/api/logout-all/', { authorization: token(laptop) })).toEqual({ status: 200, body: { message: 'Logged out of every device' } });
    expect(await b.products(token(laptop))).toEqual({ status: 401, body: INVALID_TOKEN });
    expect(await b.products(token(watch))).toEqual({ status: 401, body: INVALID_TOKEN });
  });

  it('agree on a token revoked by the admin API and by the CLI', async () => {
    const key = await a.key(alice, 'phone');
    expect((await b.products(token(key))).status).toBe(200);
    expect(await a.call('DELETE', `/api/admin/tokens/${aliceId}/`, { authorization: staffAuthorization })).toEqual({ status: 204, body: null });
    expect(await b.products(token(key))).toEqual({ status: 401, body: INVALID_TOKEN });

    const again = await b.key(alice, 'phone');
    expect((await a.products(token(again))).status).toBe(200);
    expect(await cli(database!.url, secretKey, 'token', 'revoke', alice)).toBe(`Revoked the token of user ${alice}\n`);
    expect(await a.products(token(again))).toEqual({ status: 401, body: INVALID_TOKEN });
    expect(await b.products(token(again))).toEqual({ status: 401, body: INVALID_TOKEN });
  });

  it('agree on JWTs: an access token made on one works on the other, a refresh token blacklisted on one is refused on the other', async () => {
    const pair = await a.call('POST', '/api/token/', { body: { username: alice, password: PASSWORD } });
    expect(pair.status).toBe(200);
    const { access, refresh } = pair.body as { access: string; refresh: string };
    expect((await b.products(bearer(access))).status).toBe(200);
    expect((await b.call('POST', '/api/token/refresh/', { body: { refresh } })).status).toBe(200);
    expect(await a.call('POST', '/api/token/blacklist/', { body: { refresh } })).toEqual({ status: 200, body: {} });
    expect(await b.call('POST', '/api/token/refresh/', { body: { refresh } })).toEqual({ status: 401, body: BLACKLISTED });
  });

  it('agree on a user deactivated by the admin API, and activated again by the CLI', async () => {
    const key = await a.key(alice, 'phone');
    const pair = await b.call('POST', '/api/token/', { body: { username: alice, password: PASSWORD } });
    const { access, refresh } = pair.body as { access: string; refresh: string };
    expect((await b.products(token(key))).status).toBe(200);

    const patched = await a.call('PATCH', `/api/admin/users/${aliceId}/`, { authorization: staffAuthorization, body: { is_active: false } });
    expect([patched.status, (patched.body as { is_active: boolean }).is_active]).toEqual([200, false]);
    expect(await b.products(token(key))).toEqual({ status: 401, body: INACTIVE });
    expect(await b.products(bearer(access))).toEqual({ status: 401, body: { detail: 'User is inactive', code: 'user_inactive' } });
    expect(await b.call('POST', '/api/token/refresh/', { body: { refresh } })).toEqual({ status: 401, body: BLACKLISTED });
    expect(await b.login(alice)).toEqual({ status: 400, body: UNABLE_TO_LOG_IN });
    expect(await a.call('POST', '/api/token/', { body: { username: alice, password: PASSWORD } }))
      .toEqual({ status: 401, body: { detail: 'No active account found with the given credentials' } });

    await cli(database!.url, secretKey, 'user', 'set', alice, '--active');
    // DRF keeps a deactivated user's token: it works again, on both.
    expect((await b.products(token(key))).status).toBe(200);
    expect((await a.products(token(key))).status).toBe(200);
    expect((await b.login(alice)).status).toBe(200);
  });

  it('share the login throttle through Redis: failures on one count on the other', async () => {
    await cli(database!.url, secretKey, 'user', 'set', guessed, '--password', PASSWORD);
    expect(await a.login(guessed, 'wrong-1')).toEqual({ status: 400, body: UNABLE_TO_LOG_IN });
    expect(await b.login(guessed, 'wrong-2')).toEqual({ status: 400, body: UNABLE_TO_LOG_IN });
    expect(await a.login(guessed, 'wrong-3')).toEqual({ status: 400, body: UNABLE_TO_LOG_IN });
    // FAILURES_ALLOWED reached, counted on both: each refuses even the right password.
    for (const instance of [b, a]) {
      const refused = await instance.login(guessed);
      expect(refused.status).toBe(429);
      expect((refused.body as { detail: string }).detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
    }
    expect((await b.call('POST', '/api/token/', { body: { username: guessed, password: PASSWORD } })).status).toBe(429);
    // Staff clearing the throttle on one instance frees the login on the other.
    expect(await a.call('POST', '/api/admin/throttles/', { authorization: staffAuthorization, body: { username: guessed } }))
      .toEqual({ status: 200, body: { username: guessed, wait: 0 } });
    expect((await b.login(guessed)).status).toBe(200);
  });

  it("share the accounts' e-mail throttle through Redis: a reset asked on one counts on the other", async () => {
    const reset = (instance: Instance): Promise<Answer> => instance.call('POST', '/auth/users/reset_password/', { body: { email: mailbox } });
    expect((await reset(a)).status).toBe(204);
    expect((await reset(b)).status).toBe(204);
    for (const instance of [a, b]) {
      const refused = await reset(instance);
      expect(refused.status).toBe(429);
      expect((refused.body as { detail: string }).detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
    }
  });
});
