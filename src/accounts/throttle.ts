// How often the accounts views may send e-mail: sign-ups, activation resends and reset
// requests are counted per client address and per e-mail address in a fixed window; past
// the limit the request answers DRF's 429 (`Request was throttled. Expected available in N
// seconds.`, Retry-After) and sends nothing. One process's memory holds the counters.
export interface AccountThrottleLimits {
  /** Requests allowed per e-mail address in one window (ACCOUNT_REQUESTS_ALLOWED). */
  readonly perEmail: number;
  /** Requests allowed per client address in one window (10 × perEmail). */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export interface AccountThrottle {
  /**
   * Counts one request for the client address and (when given) the e-mail address, and
   * returns 0, or the seconds to wait when either is over its limit (then nothing is counted).
   */
  hit(address: string, email: string | null): number;
}

export function accountThrottle(limits: AccountThrottleLimits, now: () => number = Date.now): AccountThrottle {
  const counters = new Map<string, { count: number; resetAt: number }>();
  const windowMs = limits.windowSeconds * 1000;
  function live(key: string, time: number): { count: number; resetAt: number } | undefined {
    const counter = counters.get(key);
    if (counter !== undefined && counter.resetAt <= time) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  }
  return {
    hit(address, email) {
      const time = now();
      if (counters.size > 100_000) for (const key of [...counters.keys()]) live(key, time);
      const keys: Array<[string, number]> = [[`addr:${address}`, limits.perAddress]];
      // Django compares e-mail addresses as given; the throttle counts one mailbox.
      if (email !== null && email !== '') keys.push([`email:${email.toLowerCase()}`, limits.perEmail]);
      let wait = 0;
      for (const [key, limit] of keys) {
        const counter = live(key, time);
        if (counter !== undefined && counter.count >= limit) wait = Math.max(wait, (counter.resetAt - time) / 1000);
      }
      if (wait > 0) return wait;
      for (const [key] of keys) {
        const counter = live(key, time);
        if (counter === undefined) counters.set(key, { count: 1, resetAt: time + windowMs });
        else counter.count++;
      }
      return 0;
    },
  };
}
