// The token blacklist (SimpleJWT's token_blacklist app): plain functions with the database
// first, so a caller can pass a transaction.
//
// Every refresh token Tessera issues is recorded as outstanding (by jti, with its user and
// expiry); blacklisting inserts one row per outstanding token, and the unique token_id
// makes that insert the single point where two requests race: of two refreshes of one
// token with rotation, only one inserts the row (SimpleJWT checks, then writes, so both
// can pass). The `token` column keeps the token's header and claims but not its
// signature: unlike SimpleJWT's copy, a leaked table hands out no usable token.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { nowTimestamp, toStoredTimestamp } from '../../db/timestamps.js';
import type { Claims } from './tokens.js';
import { unsignedPart } from './tokens.js';

export interface OutstandingToken {
  readonly id: number;
  readonly jti: string;
  readonly created_at: string | null;
  readonly expires_at: string;
  readonly blacklisted_at: string | null;
}

function storedFromEpoch(seconds: number): string {
  return toStoredTimestamp(new Date(seconds * 1000));
}

/** OutstandingToken.objects.create: a refresh token just issued to a user. */
export async function recordOutstanding(db: Kysely<Database>, userId: number, token: string, claims: Claims): Promise<void> {
  await db
    .insertInto('token_blacklist_outstandingtoken')
    .values({
      user_id: userId,
      jti: String(claims.jti),
      token: unsignedPart(token),
      created_at: storedFromEpoch(Number(claims.iat)),
      expires_at: storedFromEpoch(Number(claims.exp)),
    })
    .onConflict((conflict) => conflict.column('jti').doNothing())
    .execute();
}

export async function isBlacklisted(db: Kysely<Database>, jti: string): Promise<boolean> {
  const row = await db
    .selectFrom('token_blacklist_blacklistedtoken')
    .innerJoin('token_blacklist_outstandingtoken', 'token_blacklist_outstandingtoken.id', 'token_blacklist_blacklistedtoken.token_id')
    .select('token_blacklist_blacklistedtoken.id')
    .where('token_blacklist_outstandingtoken.jti', '=', jti)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * RefreshToken.blacklist(): the outstanding row (made now, with no user, for a token
 * issued elsewhere, as SimpleJWT does) and its blacklist row. True when this call
 * blacklisted it, false when it already was.
 */
export async function blacklistToken(db: Kysely<Database>, token: string, claims: Claims): Promise<boolean> {
  const jti = String(claims.jti);
  await db
    .insertInto('token_blacklist_outstandingtoken')
    .values({ user_id: null, jti, token: unsignedPart(token), created_at: null, expires_at: storedFromEpoch(Number(claims.exp)) })
    .onConflict((conflict) => conflict.column('jti').doNothing())
    .execute();
  const outstanding = await db.selectFrom('token_blacklist_outstandingtoken').select('id').where('jti', '=', jti).executeTakeFirstOrThrow();
  const inserted = await db
    .insertInto('token_blacklist_blacklistedtoken')
    .values({ token_id: outstanding.id, blacklisted_at: nowTimestamp() })
    .onConflict((conflict) => conflict.column('token_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Ends every refresh token of a user that has not expired and is not blacklisted yet
 * (deactivation, `tessera token revoke`, "log out everywhere"). Returns how many.
 */
export async function blacklistUserTokens(db: Kysely<Database>, userId: number): Promise<number> {
  const now = nowTimestamp();
  const result = await db
    .insertInto('token_blacklist_blacklistedtoken')
    .columns(['token_id', 'blacklisted_at'])
    .expression((eb) =>
      eb
        .selectFrom('token_blacklist_outstandingtoken')
        .select((select) => ['token_blacklist_outstandingtoken.id', select.val(now).as('blacklisted_at')])
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .where((where) => where.not(where.exists(
          where.selectFrom('token_blacklist_blacklistedtoken')
            .select('token_blacklist_blacklistedtoken.id')
            .whereRef('token_blacklist_blacklistedtoken.token_id', '=', 'token_blacklist_outstandingtoken.id'),
        ))),
    )
    .onConflict((conflict) => conflict.column('token_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Blacklists one outstanding token of a user (the admin). False when there is none such. */
export async function blacklistOutstanding(db: Kysely<Database>, userId: number, outstandingId: number): Promise<boolean> {
  const row = await db
    .selectFrom('token_blacklist_outstandingtoken')
    .select('id')
    .where('id', '=', outstandingId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) return false;
  await db
    .insertInto('token_blacklist_blacklistedtoken')
    .values({ token_id: row.id, blacklisted_at: nowTimestamp() })
    .onConflict((conflict) => conflict.column('token_id').doNothing())
    .execute();
  return true;
}

/** A user's refresh tokens, newest first, each with when it was blacklisted (or null). */
export async function listOutstanding(db: Kysely<Database>, userId: number): Promise<OutstandingToken[]> {
  return db
    .selectFrom('token_blacklist_outstandingtoken')
    .leftJoin('token_blacklist_blacklistedtoken', 'token_blacklist_blacklistedtoken.token_id', 'token_blacklist_outstandingtoken.id')
    .select([
      'token_blacklist_outstandingtoken.id',
      'token_blacklist_outstandingtoken.jti',
      'token_blacklist_outstandingtoken.created_at',
      'token_blacklist_outstandingtoken.expires_at',
      'token_blacklist_blacklistedtoken.blacklisted_at',
    ])
    .where('token_blacklist_outstandingtoken.user_id', '=', userId)
    .orderBy('token_blacklist_outstandingtoken.id', 'desc')
    .execute();
}

/** flushexpiredtokens: deletes expired outstanding tokens and their blacklist rows. */
export async function flushExpiredTokens(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const now = nowTimestamp();
    const expired = trx.selectFrom('token_blacklist_outstandingtoken').select('id').where('expires_at', '<=', now);
    await trx.deleteFrom('token_blacklist_blacklistedtoken').where('token_id', 'in', expired).execute();
    const result = await trx.deleteFrom('token_blacklist_outstandingtoken').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
