// A burst of concurrent wrong passwords for one username: the throttle reserves each
// attempt before the password is checked, so no more than the limit are ever checked,
// with counters in memory and in Redis (127.0.0.1:6379, a key prefix of its own).
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryLoginThrottle, redisLoginThrottle, type LoginThrottle } from '../../src/auth/throttle.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

// Counts the password checks the login view makes (the real ones still run): verifyPassword
// before the login checker existed, the checker's check since.
const checked = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/auth/passwords.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/auth/passwords.js')>();
  return {
    ...original,
    verifyPassword: async (password: string, encoded: string) => {
      checked.count++;
      return original.verifyPassword(password, encoded);
    },
    loginPasswordChecker: (...args: Parameters<typeof original.loginPasswordChecker>) => {
      const checker = original.loginPasswordChecker(...args);
      return {
        ...checker,
        check: (password: string, encoded: string | null) => {
          checked.count++;
          return checker.check(password, encoded);
        },
      };
    },
  };
});

/** A cheap Django hash (1 iteration), so that 300 checks on the old code take no time. */
function cheapHash(password: string): string {
  const salt = randomBytes(8).toString('hex');
  return `pbkdf2_sha256$1$${salt}$${pbkdf2Sync(password, salt, 1, 32, 'sha256').toString('base64')}`;
}

const LIMITS = { perUsername: 20, perAddress: 200, windowSeconds: 60 };
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const backends: Array<[string, () => { throttle: LoginThrottle; cleanup: () => Promise<void> }]> = [
  ['memory', () => ({ throttle: memoryLoginThrottle(LIMITS), cleanup: async () => {} })],
  ['redis', () => {
    const redis = new Redis(REDIS_URL);
    const prefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
    return {
      throttle: redisLoginThrottle(redis, LIMITS, prefix),
      async cleanup() {
        const cleaner = new Redis(REDIS_URL);
        const keys = await cleaner.keys(`${prefix}*`);
        if (keys.length > 0) await cleaner.del(...keys);
        await cleaner.quit();
      },
    };
  }],
];

describe.each(DIALECTS)('a login burst on %s', (dialect) => {
  describe.each(backends)('with the %s throttle', (_name, makeThrottle) => {
    let t: TestApp;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const made = makeThrottle();
      cleanup = made.cleanup;
      t = await createTestApp(dialect, { throttle: made.throttle });
      await t.createUser('alice', { passwordHash: cheapHash('right-password') });
      checked.count = 0;
    });
    afterEach(async () => {
      await t.close();
      await cleanup();
    });

    it('checks at most the limit of 300 concurrent wrong passwords', async () => {
      const responses = await Promise.all(Array.from({ length: 300 }, () =>
        t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'alice', password: 'wrong' } })));
      expect(checked.count).toBeLessThanOrEqual(20);
      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 400)).toHaveLength(checked.count);
      expect(statuses.filter((status) => status === 429)).toHaveLength(300 - checked.count);
      // The limit is used, not undercut: every reserved attempt was checked.
      expect(checked.count).toBe(20);
    });
  });
});
