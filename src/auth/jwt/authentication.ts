// SimpleJWT's JWTAuthentication: `Authorization: Bearer <access token>`, after Token in
// the default authentication (JWT_AUTH=true).
//
// Header rules, SimpleJWT's (not DRF's): the header splits as DRF's does; the first
// part must be exactly `Bearer` (case-sensitive, where DRF's `Token` is not); anything
// else is "not mine", so `bearer x` or `JWT x` stays anonymous. `Bearer` with no token or
// with two is a 401 `bad_authorization_header`. Errors carry the first scheme's challenge
// (DRF asks the first authentication class for WWW-Authenticate), so on an API view a bad
// Bearer token answers `WWW-Authenticate: Token`, as the reference does.
import type { FastifyRequest } from 'fastify';
import type { Db, PreparedLookup } from '../../db/connect.js';
import { ApiError } from '../../errors.js';
import { authorizationParts, type AuthScheme, type AuthUser, type TokenUserRow } from '../schemes.js';
import { checkClaims, TokenError, userIdFrom, type Claims, type JwtCodec } from './tokens.js';

export const BEARER_CHALLENGE = 'Bearer realm="api"';

/** SimpleJWT's errors: a 401 whose body has a `code` beside the `detail`. */
export function jwtAuthenticationFailed(body: Record<string, unknown>, challenge: string | null): ApiError {
  return challenge === null
    ? new ApiError(403, 'authentication_failed', body)
    : new ApiError(401, 'authentication_failed', body, { 'www-authenticate': challenge });
}

/** The raw token of a `Bearer` header, null for another header, or SimpleJWT's 401. */
export function bearerToken(header: string | undefined, challenge: string | null): string | null {
  if (header === undefined) return null;
  const parts = authorizationParts(header);
  if (parts.length === 0 || parts[0] !== 'Bearer') return null;
  if (parts.length !== 2) {
    throw jwtAuthenticationFailed({ detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }, challenge);
  }
  return parts[1]!;
}

/** Whether the request came with a JWT (its scheme is the only one with this challenge). */
export function authenticatedWithJwt(request: FastifyRequest): boolean {
  return request.authenticatedBy?.challenge === BEARER_CHALLENGE;
}

export interface JwtAuthenticationOptions {
  readonly codec: JwtCodec;
  /** The challenge of the policy's first scheme, which DRF puts on every 401. */
  readonly challenge: string | null;
}

export function jwtAuthentication(db: Db, options: JwtAuthenticationOptions): AuthScheme {
  const { codec, challenge } = options;
  const lookup: PreparedLookup<TokenUserRow> = db.prepareLookup(
    'tessera_jwt_user',
    db.kysely
      .selectFrom('auth_user')
      .select(['id', 'username', 'is_active', 'is_staff', 'is_superuser'])
      .where('id', '=', db.planStableValue(0)),
  );

  async function accessClaims(raw: string): Promise<Claims> {
    try {
      const claims = await codec.decode(raw);
      checkClaims(claims, 'access');
      return claims;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw jwtAuthenticationFailed({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: error.message }],
      }, challenge);
    }
  }

  async function userOf(claims: Claims): Promise<AuthUser> {
    if (!('user_id' in claims)) {
      throw jwtAuthenticationFailed({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' }, challenge);
    }
    const id = userIdFrom(claims.user_id);
    const row = id === null ? undefined : await lookup([id]);
    if (row === undefined) throw jwtAuthenticationFailed({ detail: 'User not found', code: 'user_not_found' }, challenge);
    if (!row.is_active) throw jwtAuthenticationFailed({ detail: 'User is inactive', code: 'user_inactive' }, challenge);
    return { id: row.id, username: row.username, isActive: true, isStaff: Boolean(row.is_staff), isSuperuser: Boolean(row.is_superuser) };
  }

  return {
    challenge: BEARER_CHALLENGE,
    authenticate(request) {
      const raw = bearerToken(request.headers.authorization, challenge);
      if (raw === null) return null;
      return accessClaims(raw).then(userOf);
    },
  };
}
