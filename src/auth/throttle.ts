// Login throttling, which DRF's obtain_auth_token lacks: failed logins are counted per
// username and per client address in a fixed window; past the limit, logins for that key
// answer 429 (DRF's Throttled body and Retry-After) without a password check, so a
// guessing attack neither succeeds nor burns CPU. A success clears the username's count.
//
// Invariants:
// - An attempt is reserved (counted as a failure) before its password is checked, in one
//   atomic step: a check of every key and the increments happen together (synchronously in
//   memory, in one Lua script in Redis), so however many requests arrive at once, at most
//   the limit of them are ever checked per key and window. A throttled attempt counts
//   nothing.
// - A correct password then clears the username's count and gives back the attempt counted
//   against the other keys (the address): a success is not a failure, as before the
//   reservation existed.
// - The window starts at a key's first counted attempt and is not extended by later ones.
//
// Counters live in memory for one process, or in Redis (REDIS_URL) when several share them.
// With Redis, the policy when it cannot answer is: fail closed for counting, and never for
// a good login. Every Redis command has a timeout (a frozen Redis costs a login at most
// COMMAND_TIMEOUT_MS once per outage, not a hang); while Redis is away the attempts are
// reserved in a local fallback throttle with the same limits (in memory, this process's
// own counters), so guessing stays limited and correct passwords still log in; one warning
// is logged when the outage starts and one line when Redis answers again, which a probe
// checks every second, so recovery needs no restart. The fallback is any LoginThrottle:
// counters shared by the worker processes of one machine can replace the in-memory one.
//
// The accounts' e-mail throttle (accounts/throttle.ts) is the same machinery with other
// keys and limits: an e-mail address in place of the username, every request counted.
import { Redis } from 'ioredis';

export interface Reservation {
  /** Seconds until a login for these keys may be tried again; 0: this attempt was counted and may go on. */
  readonly wait: number;
  /** After a correct password: clears the username's count and gives back the attempt counted against the other keys. */
  succeeded(): Promise<void>;
}

export interface LoginThrottle {
  /**
   * Counts one attempt against every key (the username's first), unless one of them is at
   * its limit: then counts nothing and answers the wait. Atomic across concurrent calls.
   */
  reserve(keys: readonly string[]): Promise<Reservation>;
  /** Seconds until a login for these keys may be tried again (0: now), counting nothing (the admin's look-up). */
  wait(keys: readonly string[]): Promise<number>;
  /** Forgets what a key has counted (staff clearing a username's throttle). */
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface ThrottleLimits {
  /** Failures allowed per username (any key but an address's) in one window. */
  readonly perUsername: number;
  /** Failures allowed per client address in one window (many users behind one NAT). */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

/** The keys of one login: the username's first (a success clears it), then the address's. */
export function throttleKeys(username: string, address: string): string[] {
  return [`user:${username}`, addressKey(address)];
}

const ADDRESS_KEY = 'addr:';

/** A client address's key: counted against ThrottleLimits.perAddress. */
export function addressKey(address: string): string {
  return ADDRESS_KEY + address;
}

function limitFor(key: string, limits: ThrottleLimits): number {
  return key.startsWith(ADDRESS_KEY) ? limits.perAddress : limits.perUsername;
}

const NOTHING_TO_UNDO = async (): Promise<void> => {};

function throttled(wait: number): Reservation {
  return { wait, succeeded: NOTHING_TO_UNDO };
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
  function waitNow(keys: readonly string[]): number {
    let wait = 0;
    for (const key of keys) {
      const counter = current(key);
      // A key with nothing counted always passes (LOGIN_FAILURES_ALLOWED=0 throttles after one).
      if (counter !== undefined && counter.count > 0 && counter.count >= limitFor(key, limits)) {
        wait = Math.max(wait, (counter.resetAt - now()) / 1000);
      }
    }
    return wait;
  }
  // No await between the check and the increments: one call is one atomic step.
  function reserveNow(keys: readonly string[]): Reservation {
    const wait = waitNow(keys);
    if (wait > 0) return throttled(wait);
    if (counters.size > 100_000) sweep();
    const counted = keys.map((key) => {
      const counter = current(key);
      if (counter !== undefined) {
        counter.count++;
        return counter;
      }
      const fresh = { count: 1, resetAt: now() + windowMs };
      counters.set(key, fresh);
      return fresh;
    });
    return {
      wait: 0,
      async succeeded() {
        keys.forEach((key, index) => {
          if (index === 0) counters.delete(key);
          // Give the attempt back only to the counter it was taken from (not one of a new window).
          else if (current(key) === counted[index] && counted[index]!.count > 0) counted[index]!.count--;
        });
      },
    };
  }
  return {
    async reserve(keys) {
      return reserveNow(keys);
    },
    async wait(keys) {
      return waitNow(keys);
    },
    async clear(key) {
      counters.delete(key);
    },
    async close() {
      counters.clear();
    },
  };
}

// KEYS: the counters; ARGV: the window (ms), then each key's limit. Answers 0 when the
// attempt was counted on every key, else the longest remaining window (ms), counting none.
const RESERVE_SCRIPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count > 0 and count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, ARGV[1])
      ttl = tonumber(ARGV[1])
    end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
`;

// KEYS[1]: the username's counter, deleted; KEYS[2..]: given back one attempt, if still there.
const SUCCEEDED_SCRIPT = `
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

interface ThrottleCommands {
  tesseraThrottleReserve(numberOfKeys: number, ...args: Array<string | number>): Promise<number>;
  tesseraThrottleSucceeded(numberOfKeys: number, ...keys: string[]): Promise<number>;
}

/** A LoginThrottle on Redis that can also say whether Redis answers (the probe of an outage). */
export interface RemoteLoginThrottle extends LoginThrottle {
  ping(): Promise<void>;
}

/** Counters in Redis, shared by every process; a command that fails rejects (see resilientLoginThrottle). */
export function redisLoginThrottle(redis: Redis, limits: ThrottleLimits, prefix = 'tessera:login:'): RemoteLoginThrottle {
  // defineCommand sends EVALSHA, and the script itself only when Redis does not have it yet.
  redis.defineCommand('tesseraThrottleReserve', { lua: RESERVE_SCRIPT });
  redis.defineCommand('tesseraThrottleSucceeded', { lua: SUCCEEDED_SCRIPT });
  const commands = redis as unknown as ThrottleCommands;
  const windowMs = limits.windowSeconds * 1000;
  return {
    async reserve(keys) {
      const names = keys.map((key) => prefix + key);
      const wait = Number(await commands.tesseraThrottleReserve(names.length, ...names, windowMs, ...keys.map((key) => limitFor(key, limits))));
      if (wait > 0) return throttled(wait / 1000);
      return {
        wait: 0,
        async succeeded() {
          await commands.tesseraThrottleSucceeded(names.length, ...names);
        },
      };
    },
    async wait(keys) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.get(prefix + key).pttl(prefix + key);
      const results = (await pipeline.exec()) ?? [];
      let wait = 0;
      keys.forEach((key, index) => {
        const failed = results[index * 2]?.[0] ?? results[index * 2 + 1]?.[0];
        if (failed) throw failed;
        const count = Number(results[index * 2]?.[1] ?? 0);
        const ttl = Number(results[index * 2 + 1]?.[1] ?? 0);
        if (count > 0 && count >= limitFor(key, limits) && ttl > 0) wait = Math.max(wait, ttl / 1000);
      });
      return wait;
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

/** Where the throttle reports an outage and its end (pino's Logger is one). */
export interface ThrottleLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** What the outage lines call a throttle and what it counts ("login throttle", "failed logins"). */
export interface ThrottleSubject {
  readonly name: string;
  readonly counts: string;
}

const LOGIN_SUBJECT: ThrottleSubject = { name: 'login throttle', counts: 'failed logins' };

export interface ResilientThrottleOptions {
  readonly log: ThrottleLog;
  /** Default: the login throttle. */
  readonly subject?: ThrottleSubject;
  /** How often an unreachable primary is tried again (default 1000 ms). */
  readonly probeIntervalMs?: number;
}

/**
 * The primary's counters while it answers; the fallback's while it does not (the policy in
 * the header). Never rejects because of the primary.
 */
export function resilientLoginThrottle(primary: RemoteLoginThrottle, fallback: LoginThrottle, options: ResilientThrottleOptions): LoginThrottle {
  const probeIntervalMs = options.probeIntervalMs ?? 1000;
  const { name, counts } = options.subject ?? LOGIN_SUBJECT;
  let probe: NodeJS.Timeout | null = null;
  let closed = false;

  function away(error: unknown): void {
    if (probe !== null || closed) return;
    options.log.warn({ err: error }, `${name}: Redis is not answering; counting ${counts} in this process until it does`);
    probe = setInterval(() => {
      primary.ping().then(() => {
        if (probe === null) return;
        clearInterval(probe);
        probe = null;
        options.log.info({}, `${name}: Redis answers again; counting ${counts} in Redis`);
      }, () => {});
    }, probeIntervalMs);
    probe.unref();
  }

  return {
    async reserve(keys) {
      if (probe === null) {
        try {
          const reservation = await primary.reserve(keys);
          return {
            wait: reservation.wait,
            async succeeded() {
              try {
                await reservation.succeeded();
              } catch (error) {
                away(error); // the username's count stays until its window ends
              }
            },
          };
        } catch (error) {
          away(error);
        }
      }
      return fallback.reserve(keys);
    },
    async wait(keys) {
      const local = await fallback.wait(keys);
      if (probe !== null) return local;
      try {
        return Math.max(local, await primary.wait(keys));
      } catch (error) {
        away(error);
        return local;
      }
    },
    async clear(key) {
      await fallback.clear(key);
      if (probe !== null) return;
      try {
        await primary.clear(key);
      } catch (error) {
        away(error);
      }
    },
    async close() {
      closed = true;
      if (probe !== null) clearInterval(probe);
      probe = null;
      await Promise.all([primary.close(), fallback.close()]);
    },
  };
}

// Redis's client options for the throttle: a login never waits for Redis longer than this.
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 1000;

/** REDIS_URL's throttle: Redis with timeouts, the in-memory fallback, outages logged once. */
export function sharedLoginThrottle(redisUrl: string, limits: ThrottleLimits, options: ResilientThrottleOptions & { readonly prefix?: string }): LoginThrottle {
  const redis = new Redis(redisUrl, {
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Fail at once while disconnected, and never send a counted command twice.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Reconnect in the background, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Connection errors are reported by resilientLoginThrottle, once per outage.
  redis.on('error', () => {});
  return resilientLoginThrottle(redisLoginThrottle(redis, limits, options.prefix), memoryLoginThrottle(limits), options);
}
