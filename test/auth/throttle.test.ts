// The login throttle's counting, the same for both stores: in memory, and in Redis (several
// Tessera processes sharing counters) on 127.0.0.1:6379 with a key prefix of its own.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLoginThrottle, redisLoginThrottle, throttleKeys, type LoginThrottle, type ThrottleLimits } from '../../src/auth/throttle.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMITS: ThrottleLimits = { perUsername: 2, perAddress: 3, windowSeconds: 30 };

interface Store {
  make(limits: ThrottleLimits): LoginThrottle;
  cleanup(): Promise<void>;
}

function memoryStore(): Store {
  return { make: (limits) => memoryLoginThrottle(limits), cleanup: async () => {} };
}

function redisStore(): Store {
  const prefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
  return {
    make: (limits) => redisLoginThrottle(new Redis(REDIS_URL), limits, prefix),
    async cleanup() {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

describe.each([['memory', memoryStore], ['redis', redisStore]] as const)('the %s login throttle', (_name, makeStore) => {
  let store: Store;
  let throttle: LoginThrottle;
  beforeEach(() => {
    store = makeStore();
    throttle = store.make(LIMITS);
  });
  afterEach(async () => {
    await throttle.close();
    await store.cleanup();
  });

  it('counts attempts per username and address, with the window as the wait', async () => {
    const keys = throttleKeys('alice', '10.0.0.1');
    expect((await throttle.reserve(keys)).wait).toBe(0);
    expect((await throttle.reserve(keys)).wait).toBe(0);
    const wait = (await throttle.reserve(keys)).wait;
    expect(wait).toBeGreaterThan(29);
    expect(wait).toBeLessThanOrEqual(30);
    expect((await throttle.reserve(throttleKeys('bob', '10.0.0.2'))).wait).toBe(0);
    // alice's throttled attempt counted nothing against the address: 2 of 3 used, so one more.
    expect((await throttle.reserve(throttleKeys('carol', '10.0.0.1'))).wait).toBe(0);
    expect((await throttle.reserve(throttleKeys('dave', '10.0.0.1'))).wait).toBeGreaterThan(29);
  });

  it('a success clears the username and gives its attempt back to the address', async () => {
    const keys = throttleKeys('alice', '10.0.0.1');
    expect((await throttle.reserve(keys)).wait).toBe(0);
    await (await throttle.reserve(keys)).succeeded();
    expect((await throttle.reserve(keys)).wait).toBe(0);
    expect((await throttle.reserve(keys)).wait).toBe(0);
    // The address has 3 counted (the success given back): the next is throttled.
    expect((await throttle.reserve(throttleKeys('bob', '10.0.0.1'))).wait).toBeGreaterThan(29);
  });

  it('reserves atomically: of 100 concurrent attempts, exactly the limit pass', async () => {
    const throttleOf20 = store.make({ perUsername: 20, perAddress: 200, windowSeconds: 30 });
    try {
      const reservations = await Promise.all(Array.from({ length: 100 }, () => throttleOf20.reserve(throttleKeys('erin', '10.0.0.9'))));
      expect(reservations.filter((reservation) => reservation.wait === 0)).toHaveLength(20);
    } finally {
      await throttleOf20.close();
    }
  });
});

describe('the memory login throttle window', () => {
  it('starts at the first attempt and ends with it', async () => {
    let now = 1_000_000;
    const throttle = memoryLoginThrottle({ perUsername: 1, perAddress: 10, windowSeconds: 60 }, () => now);
    const keys = throttleKeys('alice', '10.0.0.1');
    expect((await throttle.reserve(keys)).wait).toBe(0);
    now += 20_000;
    expect((await throttle.reserve(keys)).wait).toBe(40);
    now += 40_000;
    expect((await throttle.reserve(keys)).wait).toBe(0);
  });
});
