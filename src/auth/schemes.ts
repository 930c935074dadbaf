// Authentication schemes, DRF's tiny protocol (rest_framework/authentication.py): a scheme
// returns a user, null for "not mine" (the next scheme is tried, or the request stays
// anonymous), or throws ApiError for credentials that are its own but bad. Its challenge
// decides 401 with WWW-Authenticate (a string) or 403 (null).
import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Compilable } from 'kysely';
import type { Db, PreparedLookup } from '../db/connect.js';
import { errors } from '../errors.js';
import { mapMaybePromise, type MaybePromise } from '../maybe-promise.js';

/** Who made a request, as the permission checks and handlers need it. */
export interface AuthUser {
  readonly id: number;
  readonly username: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
}

export interface AuthScheme {
  readonly challenge: string | null;
  /**
   * The user, null for "not mine", or a throw. May answer synchronously (a SQLite lookup
   * does), so that the access check costs no promise on the hot path.
   */
  authenticate(request: FastifyRequest): MaybePromise<AuthUser | null>;
}

/** The user columns a token lookup reads (either kind of token). */
export interface TokenUserRow {
  id: number;
  username: string;
  is_active: number | boolean;
  is_staff: number | boolean;
  is_superuser: number | boolean;
}

// bytes.split() in Python splits on ASCII whitespace only.
const ASCII_WHITESPACE = /[ \t\n\r\v\f]+/;
// The usual header, "<keyword> <key>" in printable ASCII with one space: it splits into
// exactly these two parts, so the general path below would return the same answer.
const PLAIN_HEADER = /^[\x21-\x7e]+ [\x21-\x7e]+$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** An Authorization header's parts as Python's bytes.split() makes them (DRF's and SimpleJWT's reading). */
export function authorizationParts(header: string): string[] {
  return header.split(ASCII_WHITESPACE).filter((part) => part !== '');
}

/**
 * Splits an Authorization header as DRF does: the header's bytes (Node hands them over
 * as latin-1 characters, one per byte) split on ASCII whitespace. Returns the key, null
 * when the header is not for the `Token` keyword, or throws DRF's header errors.
 */
export function keyFromAuthorizationHeader(header: string | undefined, keyword: string, challenge: string | null): string | null {
  if (header === undefined) return null;
  if (PLAIN_HEADER.test(header)) {
    const space = header.indexOf(' ');
    // ASCII only, so toLowerCase() lowers exactly what bytes.lower() does.
    return header.slice(0, space).toLowerCase() === keyword.toLowerCase() ? header.slice(space + 1) : null;
  }
  const parts = authorizationParts(header);
  // Only ASCII letters are lower-cased, as bytes.lower() does.
  if (parts.length === 0 || parts[0]!.replace(/[A-Z]+/g, (s) => s.toLowerCase()) !== keyword.toLowerCase()) return null;
  if (parts.length === 1) throw errors.authenticationFailed('Invalid token header. No credentials provided.', challenge);
  if (parts.length > 2) {
    throw errors.authenticationFailed('Invalid token header. Token string should not contain spaces.', challenge);
  }
  const raw = parts[1]!;
  if (/^[\x21-\x7e]+$/.test(raw)) return raw; // plain ASCII, the usual case
  try {
    return utf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    throw errors.authenticationFailed('Invalid token header. Token string should not contain invalid characters.', challenge);
  }
}

/** The token's user, or DRF's 401 for an inactive one. */
export function activeUser(row: TokenUserRow, challenge: string | null): AuthUser {
  if (!row.is_active) throw errors.authenticationFailed('User inactive or deleted.', challenge);
  return { id: row.id, username: row.username, isActive: true, isStaff: Boolean(row.is_staff), isSuperuser: Boolean(row.is_superuser) };
}

/** The token check's one query: key digest (its parameter) -> the token's user. */
export function tokenUserQuery(db: Db): Compilable<TokenUserRow> {
  return db.kysely
    .selectFrom('tessera_token')
    .innerJoin('auth_user', 'auth_user.id', 'tessera_token.user_id')
    .select(['auth_user.id', 'auth_user.username', 'auth_user.is_active', 'auth_user.is_staff', 'auth_user.is_superuser'])
    .where('tessera_token.key_digest', '=', db.planStableValue(''));
}

/**
 * DRF's TokenAuthentication. One prepared query per request: token digest -> user.
 * The key itself is never compared; the unique digest index is the lookup.
 */
export function tokenAuthentication(db: Db, options: { keyword?: string } = {}): AuthScheme {
  const keyword = options.keyword ?? 'Token';
  const challenge = keyword;
  const lookup: PreparedLookup<TokenUserRow> = db.prepareLookup('tessera_auth_token_user', tokenUserQuery(db));
  // One refusal for every unknown key: an ApiError never changes once made, and garbage
  // keys (scanners, stale clients) are the commonest failure.
  const invalidToken = errors.authenticationFailed('Invalid token.', challenge);
  function userFrom(row: TokenUserRow | undefined): AuthUser {
    if (row === undefined) throw invalidToken;
    return activeUser(row, challenge);
  }
  return {
    challenge,
    authenticate(request) {
      const key = keyFromAuthorizationHeader(request.headers.authorization, keyword, challenge);
      if (key === null) return null;
      // digestKey() in tokens.ts, as crypto's one-shot hash: no Hash object per request.
      return mapMaybePromise(lookup([hash('sha256', key, 'hex')]), userFrom);
    },
  };
}
