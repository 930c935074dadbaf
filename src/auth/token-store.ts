// Token rows: get-or-create (DRF's login), reset, revoke, list. Keys are handled as
// tokens.ts describes: looked up by digest, returned by opening the sealed copy.
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { nowTimestamp } from '../db/timestamps.js';
import { digestKey, generateKey, type TokenSealer } from './tokens.js';
import { toUser, type User } from './users.js';

export interface TokenListing {
  readonly user_id: number;
  readonly username: string;
  /** The first characters of the key, enough to tell tokens apart, never the whole key. */
  readonly key_prefix: string;
  readonly created: string;
}

export const KEY_PREFIX_LENGTH = 6;

async function insertToken(db: Kysely<Database>, sealer: TokenSealer, userId: number): Promise<string> {
  const key = generateKey();
  const digest = digestKey(key);
  await db
    .insertInto('tessera_token')
    .values({ user_id: userId, key_digest: digest, key_sealed: sealer.seal(key, digest), created: nowTimestamp() })
    .execute();
  return key;
}

/** Replaces the user's token with a new key (DRF's drf_create_token -r). */
export async function resetToken(db: Kysely<Database>, sealer: TokenSealer, userId: number): Promise<string> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('tessera_token').where('user_id', '=', userId).execute();
    return insertToken(trx, sealer, userId);
  });
}

/**
 * The user's key, creating the token when there is none (Token.objects.get_or_create).
 * A sealed key that no longer opens (SECRET_KEY changed) is replaced.
 */
export async function getOrCreateKey(db: Kysely<Database>, sealer: TokenSealer, userId: number): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await db
      .selectFrom('tessera_token')
      .select(['key_digest', 'key_sealed'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing !== undefined) {
      const key = sealer.open(existing.key_sealed, existing.key_digest);
      return key ?? resetToken(db, sealer, userId);
    }
    try {
      return await insertToken(db, sealer, userId);
    } catch (error) {
      // Two logins of one user at once: the other insert won; read its key.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`could not get or create a token for user ${userId}`);
}

export async function hasToken(db: Kysely<Database>, userId: number): Promise<boolean> {
  return (await db.selectFrom('tessera_token').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function revokeToken(db: Kysely<Database>, userId: number): Promise<boolean> {
  const result = await db.deleteFrom('tessera_token').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** DRF's Token.objects.get(key=...).user: whose account token this key is (active or not), or null. */
export async function findUserByKey(db: Kysely<Database>, key: string): Promise<User | null> {
  const row = await db
    .selectFrom('tessera_token')
    .innerJoin('auth_user', 'auth_user.id', 'tessera_token.user_id')
    .selectAll('auth_user')
    .where('tessera_token.key_digest', '=', digestKey(key))
    .executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

export async function listTokens(db: Kysely<Database>, sealer: TokenSealer): Promise<TokenListing[]> {
  const rows = await db
    .selectFrom('tessera_token')
    .innerJoin('auth_user', 'auth_user.id', 'tessera_token.user_id')
    .select(['tessera_token.user_id', 'auth_user.username', 'tessera_token.key_digest', 'tessera_token.key_sealed', 'tessera_token.created'])
    .orderBy('auth_user.username')
    .execute();
  return rows.map((row) => ({
    user_id: row.user_id,
    username: row.username,
    key_prefix: (sealer.open(row.key_sealed, row.key_digest) ?? '?'.repeat(KEY_PREFIX_LENGTH)).slice(0, KEY_PREFIX_LENGTH),
    created: row.created,
  }));
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; pg: 23505 unique_violation.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
