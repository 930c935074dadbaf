// Checking a username and password, for every view that logs in (DRF's obtain_auth_token,
// SimpleJWT's token obtain view): the login throttle, the password check at a cost that
// does not tell unknown users from known ones, Django's hash upgrade, and the audit events.
// Each view words its own refusal.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import type { AuthEvents } from './events.js';
import { needsRehash, spendPasswordCheckTime, verifyPassword } from './passwords.js';
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
  const keys = throttleKeys(username, request.ip);
  const wait = await throttle.wait(keys);
  if (wait > 0) {
    await events.record(request, { action: 'login_throttled', username });
    throw errors.throttled(wait);
  }
  const user = await findUserByUsername(db, username);
  let valid = false;
  if (user === null) {
    await spendPasswordCheckTime(password);
  } else {
    valid = await verifyPassword(password, user.password);
    // Django upgrades a hash on any correct password, before the is_active check.
    if (valid && needsRehash(user.password)) await setPassword(db, user.id, password);
  }
  if (user === null || !valid || !user.is_active) {
    await throttle.recordFailure(keys);
    await events.record(request, { action: 'login_failed', username, userId: user?.id ?? null });
    return null;
  }
  await throttle.clear(keys[0]!);
  return user;
}
