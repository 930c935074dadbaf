// The REDIS_URL throttle when Redis goes away: stopped (SIGTERM) or frozen (SIGSTOP), on a
// redis-server of this test's own (port 8421), never the machine's. Failures stay counted
// (in this process), a correct password still logs in, nothing hangs, one line is logged
// per outage and one when Redis is back, and counting returns to Redis without a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedLoginThrottle, throttleKeys, type LoginThrottle, type ThrottleLog } from '../../src/auth/throttle.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

const PORT = 8421;
const URL = `redis://127.0.0.1:${PORT}`;
const LIMITS = { perUsername: 3, perAddress: 30, windowSeconds: 60 };

let server: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited:\n${output}`)));
  });
  server = child;
}

async function stopRedis(): Promise<void> {
  if (server === null) return;
  const exited = once(server, 'exit');
  server.kill('SIGCONT');
  server.kill('SIGTERM');
  await exited;
  server = null;
}

interface Line { level: 'warn' | 'info'; message: string }

function recordingLog(lines: Line[]): ThrottleLog {
  return {
    warn: (_details, message) => lines.push({ level: 'warn', message }),
    info: (_details, message) => lines.push({ level: 'info', message }),
  };
}

/** Resolves when `check` holds, polling; fails the test after 10 s. */
async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

/** The promise's outcome, or 'hung' if it takes more than 5 s (the timeouts are 1 s at most). */
function within5s<T>(promise: Promise<T>): Promise<T | 'hung'> {
  return Promise.race([promise, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000).unref())]);
}

const DOWN = 'login throttle: Redis is not answering; counting failed logins in this process until it does';
const BACK = 'login throttle: Redis answers again; counting failed logins in Redis';

describe('the Redis login throttle in an outage', () => {
  let lines: Line[];
  let throttle: LoginThrottle;
  let direct: Redis;
  let t: TestApp;
  const prefix = 'tessera-outage:';

  beforeAll(startRedis);
  afterAll(stopRedis);
  beforeEach(async () => {
    if (server === null) await startRedis();
    lines = [];
    throttle = sharedLoginThrottle(URL, LIMITS, { log: recordingLog(lines), probeIntervalMs: 100, prefix });
    direct = new Redis(URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    direct.on('error', () => {});
    await direct.connect();
    await direct.flushall();
    t = await createTestApp('sqlite', { throttle });
    await t.createUser('alice');
  });
  afterEach(async () => {
    server?.kill('SIGCONT');
    await t.close();
    direct.disconnect();
  });

  const login = (password: string) =>
    t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password } });

  it('with Redis stopped, counts failures here, lets a correct password in, and returns to Redis when it is back', async () => {
    expect((await login('wrong')).statusCode).toBe(400);
    expect(await direct.get(`${prefix}user:alice`)).toBe('1');
    await stopRedis();

    expect((await login(TEST_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login('wrong')).statusCode).toBe(400);
    const throttled = await login(TEST_PASSWORD);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/);
    expect(lines).toEqual([{ level: 'warn', message: DOWN }]);

    await startRedis();
    await eventually(() => lines.length === 2);
    expect(lines[1]).toEqual({ level: 'info', message: BACK });
    await eventually(() => direct.status === 'ready');
    // Redis's own count (empty: a new server) is used again, and counts again.
    expect((await login(TEST_PASSWORD)).statusCode).toBe(200);
    expect((await login('wrong')).statusCode).toBe(400);
    expect(await direct.get(`${prefix}user:alice`)).toBe('1');
    expect(lines).toHaveLength(2);
  });

  it('with Redis frozen, answers without hanging, and counts in Redis again once it resumes', async () => {
    server!.kill('SIGSTOP');
    expect(await within5s(throttle.reserve(throttleKeys('bob', '10.0.0.1')).then((r) => r.wait))).toBe(0);
    expect(lines).toEqual([{ level: 'warn', message: DOWN }]);
    const answers = await within5s(Promise.all([login(TEST_PASSWORD), login('wrong'), login('wrong')]));
    expect(answers === 'hung' ? 'hung' : answers.map((answer) => answer.statusCode)).toEqual([200, 400, 400]);
    expect(lines).toHaveLength(1);

    server!.kill('SIGCONT');
    await eventually(() => lines.length === 2);
    expect(lines[1]).toEqual({ level: 'info', message: BACK });
    expect((await login('wrong')).statusCode).toBe(400);
    expect(await direct.get(`${prefix}user:alice`)).toBe('1');
  });
});
