// Checking a username and password, for every view that logs in (DRF's obtain_auth_token,
// SimpleJWT's token obtain view): the login throttle (reserved before the check), the
// password check at a cost that tells no failure from another (passwords.ts), Django's
// hash upgrade, and the audit events.
// Each view words its own refusal.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import type { AuthEvents } from './events.js';
import { loginPasswordChecker, needsRehash, type LoginPasswordChecker } from './passwords.js';
import { throttleKeys, type LoginThrottle } from './throttle.js';
import { findUserByUsername, setPassword, type User } from './users.js';

export interface CredentialCheck {
  readonly db: Kysely<Database>;
  readonly throttle: LoginThrottle;
  readonly events: AuthEvents;
}

/**
 * The active user these credentials belong to, or null (the failure is counted and
 * recorded). Throws DRF's 429 while the username or the address is throttled.
 */
export async function checkCredentials(check: CredentialCheck, request: FastifyRequest, username: string, password: string): Promise<User | null> {
  const { db, throttle, events } = check;
  const passwords = passwordCheckerFor(db);
  const keys = throttleKeys(username, request.ip);
  // Counted before the password is checked, so concurrent attempts cannot pass the limit.
  const reservation = await throttle.reserve(keys);
  if (reservation.wait > 0) {
    await events.record(request, { action: 'login_throttled', username });
    throw errors.throttled(reservation.wait);
  }
  const user = await findUserByUsername(db, username);
  // An unknown username costs a check too, and every failure as much as the slowest.
  const result = await passwords.check(password, user?.password ?? null);
  // Django upgrades a hash on any correct password, before the is_active check.
  if (user !== null && result.valid && needsRehash(user.password)) await setPassword(db, user.id, password);
  if (user === null || !result.valid || !user.is_active) {
    await passwords.failed(result);
    await events.record(request, { action: 'login_failed', username, userId: user?.id ?? null });
    return null;
  }
  await reservation.succeeded();
  return user;
}

// One checker per database: it learns the hash formats in use there (passwords.ts), and
// every login view (DRF's and SimpleJWT's) shares what it learnt.
const checkers = new WeakMap<Kysely<Database>, LoginPasswordChecker>();

function passwordCheckerFor(db: Kysely<Database>): LoginPasswordChecker {
  let checker = checkers.get(db);
  if (checker === undefined) {
    checker = loginPasswordChecker(db);
    checkers.set(db, checker);
  }
  return checker;
}
