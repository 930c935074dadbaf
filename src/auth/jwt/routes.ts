// SimpleJWT's four views (rest_framework_simplejwt/views.py, serializers.py), with JWT_AUTH=true:
//   POST /api/token/            {"username","password"} -> {"refresh","access"}
//   POST /api/token/refresh/    {"refresh"} -> {"access"} (and "refresh" when rotating)
//   POST /api/token/verify/     {"token"}   -> {}
//   POST /api/token/blacklist/  {"refresh"} -> {}
// Like TokenViewBase they authenticate no one (an Authorization header is ignored) and
// answer a bad token with 401, `{"detail", "code": "token_not_valid"}` and
// `WWW-Authenticate: Bearer realm="api"`.
//
// Better than SimpleJWT, on purpose (README, table of differences): the password is not
// trimmed; a refresh for a user who is gone or inactive is refused; rotation with
// blacklisting is race-free (blacklist.ts); rotated refresh tokens are recorded as
// outstanding, so the admin sees them and "log out everywhere" ends them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { JwtSettings } from '../../config.js';
import type { Database } from '../../db/database.js';
import { errors } from '../../errors.js';
import { registerView } from '../../http/view.js';
import { charField, validateData, type Fields, type Parsed } from '../../serializers/fields.js';
import type { AuthEvents } from '../events.js';
import { checkCredentials } from '../login.js';
import { allowAny } from '../permissions.js';
import type { AccessPolicy } from '../plugin.js';
import type { LoginThrottle } from '../throttle.js';
import { findUserById } from '../users.js';
import { BEARER_CHALLENGE, jwtAuthenticationFailed } from './authentication.js';
import { blacklistToken, isBlacklisted, recordOutstanding } from './blacklist.js';
import {
  accessClaimsFrom,
  checkClaims,
  newClaims,
  nowSeconds,
  rotatedClaims,
  TokenError,
  userIdFrom,
  type Claims,
  type JwtCodec,
} from './tokens.js';

export interface JwtRoutesOptions {
  readonly db: Kysely<Database>;
  readonly settings: JwtSettings;
  readonly codec: JwtCodec;
  readonly throttle: LoginThrottle;
  readonly events: AuthEvents;
}

const NO_ONE: AccessPolicy = { authentication: [], permission: allowAny };

// TokenObtainSerializer's fields; the password is not trimmed (SimpleJWT trims it).
const obtainFields = { username: charField(), password: charField({ trimWhitespace: false }) };
const refreshFields = { refresh: charField() };
const verifyFields = { token: charField() };

function field(label: string, readOnly = false): Record<string, unknown> {
  return { type: 'string', required: !readOnly, read_only: readOnly, label };
}

interface TokenViewSpec<F extends Fields> {
  readonly url: string;
  readonly name: string;
  /** The view's docstring, as OPTIONS shows it. */
  readonly description: string;
  readonly fields: F;
  /** OPTIONS "actions" for POST (read-only fields included). */
  readonly actions: Record<string, unknown>;
  handle(request: FastifyRequest, fields: Parsed<F>): Promise<Record<string, unknown>>;
}

/** TokenViewBase: no authentication, POST only, the serializer's fields, 200 with its data. */
function registerTokenView<F extends Fields>(app: FastifyInstance, spec: TokenViewSpec<F>): void {
  registerView(app, {
    url: spec.url,
    name: spec.name,
    description: spec.description,
    access: NO_ONE,
    async post(request, view) {
      const fields = validateData(spec.fields, await view.data(), { partial: false });
      return { status: 200, data: await spec.handle(request, fields) };
    },
    actions: async () => spec.actions,
  });
}

/** TokenViewBase.post: a TokenError becomes InvalidToken. */
function invalidToken(message: string): Error {
  return jwtAuthenticationFailed({ detail: message, code: 'token_not_valid' }, BEARER_CHALLENGE);
}

const NO_ACTIVE_ACCOUNT = jwtAuthenticationFailed({ detail: 'No active account found with the given credentials' }, BEARER_CHALLENGE);

export async function jwtRoutes(app: FastifyInstance, options: JwtRoutesOptions): Promise<void> {
  const { db, settings, codec, events } = options;

  /** Token(raw): the signature and expiry, then SimpleJWT's claim checks, as a 401. */
  async function decodeChecked(raw: string, type: 'refresh' | null): Promise<Claims> {
    try {
      const claims = await codec.decode(raw);
      // RefreshToken checks the blacklist first (BlacklistMixin.verify).
      if (type === 'refresh' && 'jti' in claims && (await isBlacklisted(db, String(claims.jti)))) throw new TokenError('Token is blacklisted');
      checkClaims(claims, type);
      return claims;
    } catch (error) {
      throw error instanceof TokenError ? invalidToken(error.message) : error;
    }
  }

  registerTokenView(app, {
    url: '/api/token/',
    name: 'Token Obtain Pair',
    description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
    fields: obtainFields,
    actions: { username: field('Username'), password: field('Password') },
    async handle(request, fields) {
      const user = await checkCredentials(options, request, fields.username!, fields.password!);
      if (user === null) throw NO_ACTIVE_ACCOUNT;
      const now = nowSeconds();
      const refreshClaims = newClaims('refresh', user.id, settings.refreshLifetimeSeconds, now);
      const refresh = await codec.sign(refreshClaims);
      await recordOutstanding(db, user.id, refresh, refreshClaims);
      const access = await codec.sign(accessClaimsFrom(refreshClaims, settings.accessLifetimeSeconds, now));
      await events.record(request, { action: 'login', username: user.username, userId: user.id, scheme: 'jwt' });
      return { refresh, access };
    },
  });

  registerTokenView(app, {
    url: '/api/token/refresh/',
    name: 'Token Refresh',
    description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
    fields: refreshFields,
    actions: { refresh: field('Refresh'), access: field('Access', true) },
    async handle(_request, fields) {
      const raw = fields.refresh!;
      const claims = await decodeChecked(raw, 'refresh');
      // Better than SimpleJWT 5.2: no new access token for a user who may not log in.
      const userId = userIdFrom(claims.user_id);
      const user = userId === null ? null : await findUserById(db, userId);
      if (user === null || !user.is_active) throw NO_ACTIVE_ACCOUNT;
      const now = nowSeconds();
      const access = await codec.sign(accessClaimsFrom(claims, settings.accessLifetimeSeconds, now));
      if (!settings.rotateRefreshTokens) return { access };
      // One winner per refresh token: the blacklist row is inserted once.
      if (settings.blacklistAfterRotation && !(await blacklistToken(db, raw, claims))) throw invalidToken('Token is blacklisted');
      const rotated = rotatedClaims(claims, settings.refreshLifetimeSeconds, now);
      const refresh = await codec.sign(rotated);
      await recordOutstanding(db, user.id, refresh, rotated);
      return { access, refresh };
    },
  });

  registerTokenView(app, {
    url: '/api/token/verify/',
    name: 'Token Verify',
    description: "Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
    fields: verifyFields,
    actions: { token: field('Token') },
    async handle(_request, fields) {
      const claims = await decodeChecked(fields.token!, null);
      if (settings.blacklistAfterRotation && (await isBlacklisted(db, String(claims.jti)))) throw errors.nonField('Token is blacklisted');
      return {};
    },
  });

  registerTokenView(app, {
    url: '/api/token/blacklist/',
    name: 'Token Blacklist',
    description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
    fields: refreshFields,
    actions: { refresh: field('Refresh') },
    async handle(request, fields) {
      const raw = fields.refresh!;
      const claims = await decodeChecked(raw, 'refresh');
      await blacklistToken(db, raw, claims);
      const userId = userIdFrom(claims.user_id);
      const owner = userId === null ? null : await findUserById(db, userId);
      if (owner !== null) await events.record(request, { action: 'token_revoked', username: owner.username, userId: owner.id, scheme: 'jwt' });
      return {};
    },
  });
}
