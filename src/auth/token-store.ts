// Token rows: get-or-create (DRF's login), reset, revoke, list. Keys are handled as
// tokens.ts describes: looked up by digest, returned by opening the sealed copy.
// Every function takes the handle it runs on, a Kysely or a Transaction, and opens no
// transaction of its own (Kysely cannot nest them): a caller that writes an audit entry
// with the change opens one for both (admin/tokens.ts). Each write is one statement, so it
// is atomic without one.
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

/** A new key and the row that stores it (tokens.ts: its digest and sealed copy). */
function newToken(sealer: TokenSealer): { key: string; row: { key_digest: string; key_sealed: string; created: string } } {
  const key = generateKey();
  const digest = digestKey(key);
  return { key, row: { key_digest: digest, key_sealed: sealer.seal(key, digest), created: nowTimestamp() } };
}

/**
 * Gives the user a new key (DRF's drf_create_token -r): replaces their token, or makes one.
 * One upsert on the unique user_id, so the old key stops working in the same statement.
 */
export async function resetToken(db: Kysely<Database>, sealer: TokenSealer, userId: number): Promise<string> {
  const { key, row } = newToken(sealer);
  await db
    .insertInto('tessera_token')
    .values({ user_id: userId, ...row })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet(row))
    .execute();
  return key;
}

/**
 * The user's key, creating the token when there is none (Token.objects.get_or_create).
 * A sealed key that no longer opens (SECRET_KEY changed) is replaced. Two logins of one
 * user at once insert one token: the other finds it on its next read. (ON CONFLICT DO
 * NOTHING rather than catching the unique violation, which would abort a caller's
 * PostgreSQL transaction.)
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
    const { key, row } = newToken(sealer);
    const inserted = await db
      .insertInto('tessera_token')
      .values({ user_id: userId, ...row })
      .onConflict((conflict) => conflict.column('user_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return key;
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
