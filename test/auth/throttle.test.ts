// The Redis-backed login throttle (several Tessera processes sharing counters) against the
// Redis server on 127.0.0.1:6379, with a key prefix of its own.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisLoginThrottle, throttleKeys, type LoginThrottle } from '../../src/auth/throttle.js';

describe('redisLoginThrottle', () => {
  let throttle: LoginThrottle;
  let redis: Redis;
  let prefix: string;
  beforeEach(() => {
    prefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    throttle = redisLoginThrottle(redis, { perUsername: 2, perAddress: 3, windowSeconds: 30 }, prefix);
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await throttle.close();
  });

  it('counts failures per username and address, with the window as the wait', async () => {
    const keys = throttleKeys('alice', '10.0.0.1');
    expect(await throttle.wait(keys)).toBe(0);
    await throttle.recordFailure(keys);
    expect(await throttle.wait(keys)).toBe(0);
    await throttle.recordFailure(keys);
    const wait = await throttle.wait(keys);
    expect(wait).toBeGreaterThan(29);
    expect(wait).toBeLessThanOrEqual(30);
    expect(await throttle.wait(throttleKeys('bob', '10.0.0.2'))).toBe(0);
    await throttle.clear(keys[0]!);
    expect(await throttle.wait(keys)).toBe(0);
    await throttle.recordFailure(throttleKeys('carol', '10.0.0.1'));
    expect(await throttle.wait(throttleKeys('dave', '10.0.0.1'))).toBeGreaterThan(29);
  });
});
