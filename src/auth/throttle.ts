// Login throttling, which DRF's obtain_auth_token lacks: failed logins are counted per
// username and per client address in a fixed window; past the limit, logins for that key
// answer 429 (DRF's Throttled body and Retry-After) without a password check, so a
// guessing attack neither succeeds nor burns CPU. A success clears the username's count.
// Counters live in memory for one process, or in Redis (REDIS_URL) when several share them.
import type { Redis } from 'ioredis';

export interface LoginThrottle {
  /** Seconds until a login for these keys may be tried again, or 0 when it may now. */
  wait(keys: readonly string[]): Promise<number>;
  recordFailure(keys: readonly string[]): Promise<void>;
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface ThrottleLimits {
  /** Failures allowed per username in one window. */
  readonly perUsername: number;
  /** Failures allowed per client address in one window (many users behind one NAT). */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export function throttleKeys(username: string, address: string): string[] {
  return [`user:${username}`, `addr:${address}`];
}

function limitFor(key: string, limits: ThrottleLimits): number {
  return key.startsWith('user:') ? limits.perUsername : limits.perAddress;
}

export function memoryLoginThrottle(limits: ThrottleLimits, now: () => number = Date.now): LoginThrottle {
  const counters = new Map<string, { count: number; resetAt: number }>();
  const windowMs = limits.windowSeconds * 1000;
  function current(key: string): { count: number; resetAt: number } | undefined {
    const counter = counters.get(key);
    if (counter !== undefined && counter.resetAt <= now()) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  }
  function sweep(): void {
    const time = now();
    for (const [key, counter] of counters) if (counter.resetAt <= time) counters.delete(key);
  }
  return {
    async wait(keys) {
      let wait = 0;
      for (const key of keys) {
        const counter = current(key);
        if (counter !== undefined && counter.count >= limitFor(key, limits)) {
          wait = Math.max(wait, (counter.resetAt - now()) / 1000);
        }
      }
      return wait;
    },
    async recordFailure(keys) {
      if (counters.size > 100_000) sweep();
      for (const key of keys) {
        const counter = current(key);
        if (counter === undefined) counters.set(key, { count: 1, resetAt: now() + windowMs });
        else counter.count++;
      }
    },
    async clear(key) {
      counters.delete(key);
    },
    async close() {
      counters.clear();
    },
  };
}

export function redisLoginThrottle(redis: Redis, limits: ThrottleLimits, prefix = 'tessera:login:'): LoginThrottle {
  return {
    async wait(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.get(prefix + key).pttl(prefix + key);
      const results = (await pipeline.exec()) ?? [];
      let wait = 0;
      keys.forEach((key, index) => {
        const count = Number(results[index * 2]?.[1] ?? 0);
        const ttl = Number(results[index * 2 + 1]?.[1] ?? 0);
        if (count >= limitFor(key, limits) && ttl > 0) wait = Math.max(wait, ttl / 1000);
      });
      return wait;
    },
    async recordFailure(keys) {
      const pipeline = redis.pipeline();
      // The window starts at the first failure: NX sets the expiry only once.
      for (const key of keys) pipeline.incr(prefix + key).expire(prefix + key, limits.windowSeconds, 'NX');
      await pipeline.exec();
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
    async close() {
      await redis.quit();
    },
  };
}
