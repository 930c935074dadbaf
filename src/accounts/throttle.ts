// How often the accounts views may send e-mail: sign-ups, activation resends and reset
// requests are counted per e-mail address and per client address in a fixed window; past
// the limit the request answers DRF's 429 (`Request was throttled. Expected available in N
// seconds.`, Retry-After) and sends nothing. The counters are the login throttle's
// machinery (auth/throttle.ts) with keys and limits of their own, so they are shared as
// the login throttle's are: in Redis with REDIS_URL (same outage policy), else by the
// workers of one machine through the primary, else in this process.
import { addressKey, type LoginThrottle, type ThrottleLimits } from '../auth/throttle.js';
import type { AccountsConfig } from '../config.js';

export interface AccountThrottle {
  /**
   * Counts one request for the client address and (when given) the e-mail address, and
   * answers 0, or the seconds to wait when either is over its limit (then nothing is counted).
   */
  hit(address: string, email: string | null): Promise<number>;
}

/** ACCOUNT_REQUESTS_ALLOWED per e-mail address, ten times that per client address. */
export function accountThrottleLimits(config: Pick<AccountsConfig, 'requestsAllowed' | 'throttleWindowSeconds'>): ThrottleLimits {
  return { perUsername: config.requestsAllowed, perAddress: config.requestsAllowed * 10, windowSeconds: config.throttleWindowSeconds };
}

export function accountThrottle(counters: LoginThrottle): AccountThrottle {
  return {
    async hit(address, email) {
      // Django compares e-mail addresses as given; the throttle counts one mailbox.
      const keys = email !== null && email !== '' ? [`email:${email.toLowerCase()}`, addressKey(address)] : [addressKey(address)];
      // Every request counts (a sent e-mail is not given back as a good login is).
      return (await counters.reserve(keys)).wait;
    },
  };
}
