// POST /api/token-auth/ (DRF's obtain_auth_token) and POST /api/logout/.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import { formParser, jsonParser, multipartParser } from '../http/body.js';
import { jsonRenderer } from '../http/renderers.js';
import { registerView } from '../http/view.js';
import { charField, validateData } from '../serializers/fields.js';
import { needsRehash, spendPasswordCheckTime, verifyPassword } from './passwords.js';
import { allowAny } from './permissions.js';
import type { AccessPolicy } from './plugin.js';
import { throttleKeys, type LoginThrottle } from './throttle.js';
import { getOrCreateKey, revokeToken } from './token-store.js';
import type { TokenSealer } from './tokens.js';
import { findUserByUsername, setPassword } from './users.js';
import type { AuthEvents } from './events.js';

export interface AuthRoutesOptions {
  readonly db: Kysely<Database>;
  readonly sealer: TokenSealer;
  readonly throttle: LoginThrottle;
  readonly access: AccessPolicy;
  readonly events: AuthEvents;
}

// AuthTokenSerializer: the password is not trimmed.
const loginFields = {
  username: charField(),
  password: charField({ trimWhitespace: false }),
};

const loginActionFields = {
  username: { type: 'string', required: true, read_only: false, label: 'Username' },
  password: { type: 'string', required: true, read_only: false, label: 'Password' },
  token: { type: 'string', required: false, read_only: true, label: 'Token' },
};

const UNABLE_TO_LOG_IN = 'Unable to log in with provided credentials.';

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { db, sealer, throttle, events } = options;

  registerView(app, {
    url: '/api/token-auth/',
    name: 'Obtain Auth Token',
    // Better than DRF: no authentication here, so a stale Authorization header left in a
    // client does not turn a good login into a 401.
    access: { authentication: [], permission: allowAny },
    renderers: [jsonRenderer],
    parsers: [formParser, multipartParser, jsonParser],
    async post(request, view) {
      const fields = validateData(loginFields, await view.data(), { partial: false });
      const username = fields.username!;
      const password = fields.password!;
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
        throw errors.nonField(UNABLE_TO_LOG_IN);
      }
      await throttle.clear(keys[0]!);
      const token = await getOrCreateKey(db, sealer, user.id);
      await events.record(request, { action: 'login', username, userId: user.id });
      return { status: 200, data: { token } };
    },
    actions: async () => loginActionFields,
  });

  registerView(app, {
    url: '/api/logout/',
    name: 'Logout',
    access: options.access,
    async post(request) {
      const user = request.user!;
      await revokeToken(db, user.id);
      await events.record(request, { action: 'logout', username: user.username, userId: user.id });
      return { status: 200, data: { message: 'Logout successful' } };
    },
  });
}
