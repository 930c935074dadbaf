// /api/admin/throttles/: staff look up whether logins for a username are throttled, and
// clear it (a user locked out by someone guessing their password, or by their own typos,
// can try again at once). Only the username's counter is cleared, through the
// LoginThrottle interface (auth/throttle.ts), in memory or Redis alike; a client
// address's counter stays, so clearing one name does not open the door to a guesser
// trying many. Each clearing is in the audit log (`throttle_deleted`, on the user).
import type { FastifyInstance } from 'fastify';
import { auditRequestWrite } from '../audit/audit-log.js';
import { throttleKeys, type LoginThrottle } from '../auth/throttle.js';
import { findUserByUsername } from '../auth/users.js';
import { errors } from '../errors.js';
import { registerView } from '../http/view.js';
import { charField, validateData } from '../serializers/fields.js';
import { queryParam } from './lists.js';
import type { AdminResourceOptions } from './options.js';

export interface AdminThrottleRoutesOptions extends AdminResourceOptions {
  readonly throttle: LoginThrottle;
}

/** The throttle key of a username, as the login view counts it. */
function usernameKey(username: string): string {
  return throttleKeys(username, '')[0]!;
}

const usernameFields = { username: charField() };

export async function adminThrottleRoutes(app: FastifyInstance, options: AdminThrottleRoutesOptions): Promise<void> {
  const { access, throttle } = options;
  const db = options.db.kysely;

  registerView(app, {
    url: '/api/admin/throttles/',
    name: 'Login Throttle',
    access,
    // ?username=alice: {"username": "alice", "wait": 240} (seconds; 0 when not throttled).
    async get(request) {
      const username = queryParam(request, 'username')?.trim() ?? '';
      if (username === '') throw errors.validation({ username: ['This field is required.'] });
      if (username.includes('\0')) throw errors.validation({ username: ['Null characters are not allowed.'] });
      const wait = Math.ceil(await throttle.wait([usernameKey(username)]));
      return { status: 200, data: { username, wait } };
    },
    // {"username": "alice"}: logins for alice may be tried again now.
    async post(request, view) {
      const username = validateData(usernameFields, await view.data(), { partial: false }).username!;
      const wait = Math.ceil(await throttle.wait([usernameKey(username)]));
      await throttle.clear(usernameKey(username));
      const user = await findUserByUsername(db, username);
      await auditRequestWrite(db, request, 'throttle_deleted', { type: 'user', id: user?.id ?? null, repr: username }, { wait: [wait, 0] });
      return { status: 200, data: { username, wait: 0 } };
    },
  });
}
