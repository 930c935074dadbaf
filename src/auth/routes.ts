// POST /api/token-auth/ (DRF's obtain_auth_token) and POST /api/logout/.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import { formParser, jsonParser, multipartParser } from '../http/body.js';
import { jsonRenderer } from '../http/renderers.js';
import { registerView } from '../http/view.js';
import type { TokenMode } from '../config.js';
import { parseObjectId } from '../http/params.js';
import { charField, validateData, type Parsed } from '../serializers/fields.js';
import {
  createDeviceToken,
  currentDeviceTokenId,
  deleteDeviceToken,
  deleteUserDeviceTokens,
  DEVICE_NAME_MAX_LENGTH,
  listDeviceTokens,
} from './device-tokens.js';
import { loginPasswordChecker, needsRehash } from './passwords.js';
import { allowAny } from './permissions.js';
import type { AccessPolicy } from './plugin.js';
import { throttleKeys, type LoginThrottle } from './throttle.js';
import { getOrCreateKey, revokeToken } from './token-store.js';
import type { TokenSealer } from './tokens.js';
import { findUserByUsername, setPassword } from './users.js';
import type { AuthEvents } from './events.js';

export interface AuthRoutesOptions {
  readonly db: Kysely<Database>;
  readonly tokenMode: TokenMode;
  /** Per-device tokens' lifetime; null: no expiry. */
  readonly tokenTtlSeconds: number | null;
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

// Per-device mode also takes an optional name for the device ("Alice's phone"); without
// one, the User-Agent names it.
const perDeviceLoginFields = {
  ...loginFields,
  device: charField({ required: false, allowBlank: true, maxLength: DEVICE_NAME_MAX_LENGTH }),
};

const loginActionFields = {
  username: { type: 'string', required: true, read_only: false, label: 'Username' },
  password: { type: 'string', required: true, read_only: false, label: 'Password' },
  token: { type: 'string', required: false, read_only: true, label: 'Token' },
};

const UNABLE_TO_LOG_IN = 'Unable to log in with provided credentials.';

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  loginRoutes(app, options);
  logoutRoutes(app, options);
}

/** POST /api/token-auth/ alone (tesseraAuth in fastify-plugin.ts registers it on its own). */
export function loginRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const { db, sealer, throttle, events, tokenMode, tokenTtlSeconds } = options;
  const perDevice = tokenMode === 'per-device';
  const passwords = loginPasswordChecker(db);

  registerView(app, {
    url: '/api/token-auth/',
    name: 'Obtain Auth Token',
    // Better than DRF: no authentication here, so a stale Authorization header left in a
    // client does not turn a good login into a 401.
    access: { authentication: [], permission: allowAny },
    renderers: [jsonRenderer],
    parsers: [formParser, multipartParser, jsonParser],
    async post(request, view) {
      const fields = validateData(perDevice ? perDeviceLoginFields : loginFields, await view.data(), { partial: false }) as Parsed<typeof perDeviceLoginFields>;
      const username = fields.username!;
      const password = fields.password!;
      const keys = throttleKeys(username, request.ip);
      // Counted before the password is checked, so concurrent attempts cannot pass the limit.
      const reservation = await throttle.reserve(keys);
      if (reservation.wait > 0) {
        await events.record(request, { action: 'login_throttled', username });
        throw errors.throttled(reservation.wait);
      }
      const user = await findUserByUsername(db, username);
      // An unknown username costs a check too, and every failure as much as the slowest.
      const check = await passwords.check(password, user?.password ?? null);
      // Django upgrades a hash on any correct password, before the is_active check.
      if (user !== null && check.valid && needsRehash(user.password)) await setPassword(db, user.id, password);
      if (user === null || !check.valid || !user.is_active) {
        await passwords.failed(check);
        await events.record(request, { action: 'login_failed', username, userId: user?.id ?? null });
        throw errors.nonField(UNABLE_TO_LOG_IN);
      }
      await reservation.succeeded();
      if (perDevice) {
        const name = fields.device || request.headers['user-agent'] || 'Unnamed device';
        const { key, expires } = await createDeviceToken(db, user.id, name, tokenTtlSeconds);
        await events.record(request, { action: 'login', username, userId: user.id });
        return { status: 200, data: { token: key, expires } };
      }
      const token = await getOrCreateKey(db, sealer, user.id);
      await events.record(request, { action: 'login', username, userId: user.id });
      return { status: 200, data: { token } };
    },
    actions: async () => loginActionFields,
  });
}

/** Signing out: /api/logout/, /api/logout-all/ and, per device, /api/devices/. */
export function logoutRoutes(app: FastifyInstance, options: Pick<AuthRoutesOptions, 'db' | 'access' | 'events' | 'tokenMode'>): void {
  const { db, events } = options;
  const perDevice = options.tokenMode === 'per-device';

  registerView(app, {
    url: '/api/logout/',
    name: 'Logout',
    access: options.access,
    async post(request) {
      const user = request.user!;
      // The token this request came with: this device's, or the account token.
      const deviceTokenId = currentDeviceTokenId(request);
      if (deviceTokenId !== null) await deleteDeviceToken(db, user.id, deviceTokenId);
      else await revokeToken(db, user.id);
      await events.record(request, { action: 'logout', username: user.username, userId: user.id });
      return { status: 200, data: { message: 'Logout successful' } };
    },
  });

  registerView(app, {
    url: '/api/logout-all/',
    name: 'Logout All',
    access: options.access,
    async post(request) {
      const user = request.user!;
      await revokeToken(db, user.id);
      await deleteUserDeviceTokens(db, user.id);
      await events.record(request, { action: 'token_revoked', username: user.username, userId: user.id });
      return { status: 200, data: { message: 'Logged out of every device' } };
    },
  });

  if (!perDevice) return;

  // The signed-in user's own device tokens: see them, sign one out.
  registerView(app, {
    url: '/api/devices/',
    name: 'Device List',
    access: options.access,
    async get(request) {
      return { status: 200, data: await listDeviceTokens(db, request.user!.id, currentDeviceTokenId(request)) };
    },
  });

  registerView(app, {
    url: '/api/devices/:id/',
    name: 'Device Instance',
    access: options.access,
    async delete(request) {
      const user = request.user!;
      const id = parseObjectId((request.params as { id?: string }).id);
      if (id === null || !(await deleteDeviceToken(db, user.id, id))) throw errors.notFound();
      await events.record(request, { action: 'token_revoked', username: user.username, userId: user.id });
      return { status: 204 };
    },
  });
}
