// The uid and token in activation and reset links, exactly as Django 3.2 makes them
// (django/contrib/auth/tokens.py PasswordResetTokenGenerator, djoser's encode_uid), so a
// link Django made with the same SECRET_KEY works here and one made here works in Django.
//
//   uid    urlsafe base64 of the id's decimal text, without padding ("MQ" for user 1)
//   token  "<timestamp in base 36>-<every other hex digit of an HMAC-SHA256>", where the
//          timestamp counts seconds since 2001-01-01 (UTC) and the HMAC, keyed with
//          SHA-256("django.contrib.auth.tokens.PasswordResetTokenGenerator" + SECRET_KEY),
//          covers id + password hash + last login (to the second) + timestamp + e-mail.
//
// Nothing is stored: a token is valid while those fields are unchanged and for
// PASSWORD_RESET_TIMEOUT seconds (3 days). Setting a password (a new salted hash) or
// logging in (last_login) or changing the e-mail therefore spends every link made before.
// Django 3.2 still accepts the legacy SHA-1 tokens of Django 3.0 and older; so does this.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { toApiDateTime } from '../db/timestamps.js';
import { pythonInt } from '../http/params.js';
import { decodeUtf8Strictly } from '../http/python-json.js';

const KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator';
const EPOCH_2001_MS = Date.UTC(2001, 0, 1);
/** Django's default PASSWORD_RESET_TIMEOUT, three days in seconds. */
export const PASSWORD_RESET_TIMEOUT_SECONDS = 259_200;

/** The fields of a user a token depends on. */
export interface TokenUser {
  readonly id: number;
  readonly password: string;
  /** As stored (either database's form), or null. */
  readonly last_login: string | null;
  readonly email: string;
}

export interface LinkTokenOptions {
  readonly secretKey: string;
  readonly timeoutSeconds?: number;
  /** Milliseconds since 1970 (tests); Date.now by default. */
  readonly now?: () => number;
}

export interface LinkTokens {
  make(user: TokenUser): string;
  check(user: TokenUser, token: string): boolean;
}

/** djoser's encode_uid: urlsafe_base64_encode(force_bytes(pk)). */
export function encodeUid(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64url');
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Python's binascii.a2b_base64 without strict mode (what base64.b64decode does): characters
 * outside the alphabet are skipped, a complete pad ends the input, and a final group of one
 * character ("cannot be 1 more than a multiple of 4") or of two or three without their pad
 * ("Incorrect padding") is an error (null).
 */
function pythonBase64Decode(bytes: Uint8Array): Uint8Array | null {
  const out: number[] = [];
  let quad = 0;
  let pads = 0;
  let left = 0;
  for (const byte of bytes) {
    if (byte === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    const value = byte < 0x80 ? BASE64_ALPHABET.indexOf(String.fromCharCode(byte)) : -1;
    if (value < 0) continue;
    pads = 0;
    if (quad === 0) left = value;
    else if (quad === 1) {
      out.push(((left << 2) | (value >> 4)) & 0xff);
      left = value & 0x0f;
    } else if (quad === 2) {
      out.push(((left << 4) | (value >> 2)) & 0xff);
      left = value & 0x03;
    } else out.push(((left << 6) | value) & 0xff);
    quad = (quad + 1) & 3;
  }
  return quad === 0 ? Uint8Array.from(out) : null;
}

/**
 * djoser's decode_uid followed by User.objects.get(pk=...)'s int(): the id, or null where
 * Django raises ValueError (bad base64, bytes that are not UTF-8, text that is not an int).
 * The uid is the request's raw text: djoser reads initial_data, untrimmed.
 */
export function decodeUid(uid: string): number | null {
  // urlsafe_base64_decode: UTF-8 bytes, padded with len % 4 '=', '-_' read as '+/'.
  const encoded = Buffer.from(uid, 'utf8');
  const padded = Buffer.concat([encoded, Buffer.alloc(encoded.length % 4, 0x3d)]);
  for (let index = 0; index < padded.length; index++) {
    if (padded[index] === 0x2d) padded[index] = 0x2b;
    else if (padded[index] === 0x5f) padded[index] = 0x2f;
  }
  const bytes = pythonBase64Decode(padded);
  if (bytes === null) return null;
  let text: string;
  try {
    text = decodeUtf8Strictly(bytes);
  } catch {
    return null;
  }
  const value = pythonInt(text);
  if (value === null || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(value);
}

/** Django's login_timestamp: last_login without microseconds or zone, as str() of a naive datetime. */
function loginTimestamp(lastLogin: string | null): string {
  if (lastLogin === null) return '';
  const api = toApiDateTime(lastLogin); // 2026-11-28T14:51:16.620289Z
  return `${api.slice(0, 10)} ${api.slice(11, 19)}`;
}

function toBase36(value: bigint): string {
  return value.toString(36);
}

/** Python's int(text, 36) for what split('-') left, or null (ValueError, or over 13 digits). */
function fromBase36(text: string): bigint | null {
  if (text.length > 13) return null;
  const match = /^[\t\n\v\f\r ]*\+?([0-9a-z]+(?:_[0-9a-z]+)*)[\t\n\v\f\r ]*$/i.exec(text);
  if (match === null) return null;
  let value = 0n;
  for (const char of match[1]!.replace(/_/g, '').toLowerCase()) value = value * 36n + BigInt(parseInt(char, 36));
  return value;
}

function hashValue(user: TokenUser, timestamp: bigint): string {
  return `${user.id}${user.password}${loginTimestamp(user.last_login)}${timestamp}${user.email}`;
}

/** salted_hmac(KEY_SALT, value, secret, algorithm).hexdigest()[::2] */
function saltedHmacHalf(secret: string, value: string, algorithm: 'sha256' | 'sha1'): string {
  const key = createHash(algorithm).update(KEY_SALT + secret, 'utf8').digest();
  const hex = createHmac(algorithm, key).update(value, 'utf8').digest('hex');
  let half = '';
  for (let index = 0; index < hex.length; index += 2) half += hex[index];
  return half;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function linkTokens(options: LinkTokenOptions): LinkTokens {
  const { secretKey } = options;
  const timeout = options.timeoutSeconds ?? PASSWORD_RESET_TIMEOUT_SECONDS;
  const now = options.now ?? Date.now;
  const secondsSince2001 = (): bigint => BigInt(Math.floor((now() - EPOCH_2001_MS) / 1000));
  function tokenAt(user: TokenUser, timestamp: bigint, algorithm: 'sha256' | 'sha1'): string {
    return `${toBase36(timestamp)}-${saltedHmacHalf(secretKey, hashValue(user, timestamp), algorithm)}`;
  }
  return {
    make(user) {
      return tokenAt(user, secondsSince2001(), 'sha256');
    },
    check(user, token) {
      if (token === '') return false;
      const parts = token.split('-');
      if (parts.length !== 2) return false;
      const timestampText = parts[0]!;
      const legacy = timestampText.length < 4; // days, from Django before 3.1
      let timestamp = fromBase36(timestampText);
      if (timestamp === null) return false;
      if (!sameText(tokenAt(user, timestamp, 'sha256'), token) && !sameText(tokenAt(user, timestamp, 'sha1'), token)) return false;
      const current = secondsSince2001();
      if (legacy) {
        const midnight = new Date(now());
        midnight.setUTCHours(0, 0, 0, 0);
        timestamp = timestamp * 86_400n + BigInt(Math.floor((now() - midnight.getTime()) / 1000));
      }
      return current - timestamp <= BigInt(timeout);
    },
  };
}
