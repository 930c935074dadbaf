// Per-device tokens (TOKEN_MODE=per-device), beyond DRF: every login makes its own token,
// named after the device, so one device signs out (or is signed out) without the others,
// and tokens expire after TOKEN_TTL. The wire stays DRF's: `Authorization: Token <key>`,
// 40 hex characters, the same 401 bodies. Only the key's SHA-256 is stored; the key is
// shown once, in the login response.
//
// The scheme runs before DRF's TokenAuthentication and passes over keys it does not know,
// so account tokens made with `tessera token create` or the admin keep working (scripts,
// service accounts) beside the device tokens.
import { hash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db, PreparedLookup } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { nowTimestamp, toApiDateTime, toStoredTimestamp } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { mapMaybePromise } from '../maybe-promise.js';
import { activeUser, keyFromAuthorizationHeader, type AuthScheme, type AuthUser, type TokenUserRow } from './schemes.js';
import { digestKey, generateKey } from './tokens.js';

export const DEVICE_NAME_MAX_LENGTH = 200;

interface DeviceTokenUserRow extends TokenUserRow {
  token_id: number;
  expires: string | null;
}

/** The device token a request was authenticated with (for logout), by request. */
const tokenOfRequest = new WeakMap<FastifyRequest, number>();

export function currentDeviceTokenId(request: FastifyRequest): number | null {
  return tokenOfRequest.get(request) ?? null;
}

/** A stored timestamp as milliseconds since the epoch (either database's format). */
function storedTimeMs(stored: string): number {
  return Date.parse(toApiDateTime(stored));
}

export function deviceTokenAuthentication(db: Db, options: { keyword?: string } = {}): AuthScheme {
  const keyword = options.keyword ?? 'Token';
  const challenge = keyword;
  const lookup: PreparedLookup<DeviceTokenUserRow> = db.prepareLookup(
    'tessera_auth_device_token_user',
    db.kysely
      .selectFrom('tessera_device_token')
      .innerJoin('auth_user', 'auth_user.id', 'tessera_device_token.user_id')
      .select([
        'tessera_device_token.id as token_id', 'tessera_device_token.expires',
        'auth_user.id', 'auth_user.username', 'auth_user.is_active', 'auth_user.is_staff', 'auth_user.is_superuser',
      ])
      .where('tessera_device_token.key_digest', '=', db.planStableValue('')),
  );
  return {
    challenge,
    authenticate(request) {
      const key = keyFromAuthorizationHeader(request.headers.authorization, keyword, challenge);
      if (key === null) return null;
      const userFrom = (row: DeviceTokenUserRow | undefined): AuthUser | null => {
        if (row === undefined) return null; // not a device token: the next scheme decides
        if (row.expires !== null && storedTimeMs(row.expires) <= Date.now()) {
          throw errors.authenticationFailed('Token has expired.', challenge);
        }
        const user = activeUser(row, challenge);
        tokenOfRequest.set(request, row.token_id);
        return user;
      };
      return mapMaybePromise(lookup([hash('sha256', key, 'hex')]), userFrom);
    },
  };
}

export interface NewDeviceToken {
  readonly key: string;
  /** DRF-style date-time, or null when tokens do not expire. */
  readonly expires: string | null;
}

/**
 * Makes a token for one device; also drops the user's expired tokens. Runs on the caller's
 * handle (a Kysely or a Transaction) and opens no transaction: the two statements need
 * none (dropping expired rows is housekeeping), and a caller that records the login with
 * it can put both in one.
 */
export async function createDeviceToken(db: Kysely<Database>, userId: number, name: string, ttlSeconds: number | null): Promise<NewDeviceToken> {
  const key = generateKey();
  const now = nowTimestamp();
  const expires = ttlSeconds === null ? null : toStoredTimestamp(new Date(Date.now() + ttlSeconds * 1000));
  await db.deleteFrom('tessera_device_token').where('user_id', '=', userId).where('expires', '<=', now).execute();
  await db
    .insertInto('tessera_device_token')
    .values({ user_id: userId, key_digest: digestKey(key), name: [...name].slice(0, DEVICE_NAME_MAX_LENGTH).join(''), created: now, expires })
    .execute();
  return { key, expires: expires === null ? null : toApiDateTime(expires) };
}

export interface DeviceTokenListing {
  readonly id: number;
  readonly name: string;
  readonly created: string;
  readonly expires: string | null;
  /** The token this request was made with. */
  readonly current: boolean;
}

/** The user's tokens that have not expired, newest first. */
export async function listDeviceTokens(db: Kysely<Database>, userId: number, currentId: number | null): Promise<DeviceTokenListing[]> {
  const rows = await db
    .selectFrom('tessera_device_token')
    .select(['id', 'name', 'created', 'expires'])
    .where('user_id', '=', userId)
    .orderBy('created', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const now = Date.now();
  return rows
    .filter((row) => row.expires === null || storedTimeMs(row.expires) > now)
    .map((row) => ({
      id: row.id,
      name: row.name,
      created: toApiDateTime(row.created),
      expires: row.expires === null ? null : toApiDateTime(row.expires),
      current: row.id === currentId,
    }));
}

/** Deletes one of the user's device tokens; false when they have no such token. */
export async function deleteDeviceToken(db: Kysely<Database>, userId: number, tokenId: number): Promise<boolean> {
  const result = await db.deleteFrom('tessera_device_token').where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes every device token of the user; returns how many there were. */
export async function deleteUserDeviceTokens(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await db.deleteFrom('tessera_device_token').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
