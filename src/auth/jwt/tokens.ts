// SimpleJWT's tokens (rest_framework_simplejwt/tokens.py), as data and functions.
//
// A token is an HS256 JWT signed with JWT_SIGNING_KEY (jose signs and verifies; nothing
// here is hand-written cryptography). Its claims, in SimpleJWT's order:
//   token_type  "access" | "refresh"
//   exp, iat    whole seconds since the epoch
//   jti         32 hex digits (uuid4().hex)
//   user_id     the user's id: an integer (SimpleJWT 5.5.1 and later write it as a
//               string, which is read as the same id)
// The payload is serialized as PyJWT does (compact JSON, claims in insertion order, header
// {"alg":"HS256","typ":"JWT"}), so a token made here and one made by Django with the same
// key are the same kind of bytes, and each side verifies the other's.
//
// A TokenError carries SimpleJWT's user-facing message ("Token is invalid or expired",
// "Token has wrong type", ...); the views and the Bearer scheme word the answer.
import { randomUUID } from 'node:crypto';
import { CompactSign, jwtVerify } from 'jose';

export type TokenType = 'access' | 'refresh';

export type Claims = Record<string, unknown>;

export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface JwtLifetimes {
  readonly accessLifetimeSeconds: number;
  readonly refreshLifetimeSeconds: number;
}

export interface JwtCodec {
  sign(claims: Claims): Promise<string>;
  /** The verified claims (signature, exp, nbf, iat), or TokenError('Token is invalid or expired'). */
  decode(raw: string): Promise<Claims>;
}

const encoder = new TextEncoder();
const HEADER = { alg: 'HS256', typ: 'JWT' } as const;

export function jwtCodec(signingKey: string): JwtCodec {
  const key = encoder.encode(signingKey);
  return {
    async sign(claims) {
      return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader(HEADER).sign(key);
    },
    async decode(raw) {
      let payload: Claims;
      try {
        ({ payload } = await jwtVerify(raw, key, { algorithms: ['HS256'] }));
      } catch {
        throw new TokenError('Token is invalid or expired');
      }
      // PyJWT (2.6+) refuses an iat in the future; jose checks only that it is a number.
      if (typeof payload.iat === 'number' && payload.iat > nowSeconds()) throw new TokenError('Token is invalid or expired');
      return payload;
    },
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function newJti(): string {
  return randomUUID().replaceAll('-', '');
}

/** A new token's claims (Token.__init__ with no token), for a user, at `now`. */
export function newClaims(type: TokenType, userId: number | string, lifetimeSeconds: number, now: number): Claims {
  return { token_type: type, exp: now + lifetimeSeconds, iat: now, jti: newJti(), user_id: userId };
}

/** Claims an access token never copies from its refresh token (RefreshToken.no_copy_claims). */
const NO_COPY_CLAIMS = new Set(['token_type', 'exp', 'jti']);

/**
 * RefreshToken.access_token: a new access token that expires `lifetime` after `now` (the
 * refresh token's moment) and carries every other claim of the refresh token, iat
 * included, as SimpleJWT copies it.
 */
export function accessClaimsFrom(refresh: Claims, lifetimeSeconds: number, now: number): Claims {
  const access: Claims = { token_type: 'access', exp: now + lifetimeSeconds, iat: now, jti: newJti() };
  for (const [claim, value] of Object.entries(refresh)) {
    if (!NO_COPY_CLAIMS.has(claim)) access[claim] = value;
  }
  return access;
}

/** Rotation: the same refresh token with a new jti, exp and iat (set_jti, set_exp, set_iat). */
export function rotatedClaims(refresh: Claims, lifetimeSeconds: number, now: number): Claims {
  return { ...refresh, jti: newJti(), exp: now + lifetimeSeconds, iat: now };
}

/**
 * Token.verify() after decoding: exp present, jti present, and the type when one is
 * expected (UntypedToken, for /api/token/verify/, expects none).
 */
export function checkClaims(claims: Claims, type: TokenType | null): void {
  if (!('exp' in claims)) throw new TokenError("Token has no 'exp' claim");
  if (!('jti' in claims)) throw new TokenError('Token has no id');
  if (type === null) return;
  if (!('token_type' in claims)) throw new TokenError('Token has no type');
  if (claims.token_type !== type) throw new TokenError('Token has wrong type');
}

/**
 * The user id a token names, as Django's id lookup reads it: an integer, or a string of
 * digits (SimpleJWT 5.5.1+). Anything else names no user (Django would raise a 500).
 */
export function userIdFrom(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

/** What the blacklist keeps of a token: its header and claims, never the signature. */
export function unsignedPart(token: string): string {
  return token.slice(0, token.lastIndexOf('.'));
}
