// The user repository: plain functions with the database first, so a caller can pass a
// transaction. Users are Django's auth_user rows; flags are normalized to booleans here
// because SQLite returns 0/1.
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/database.js';
import { nowTimestamp } from '../db/timestamps.js';
import { hashPassword } from './passwords.js';

export interface User {
  readonly id: number;
  readonly username: string;
  readonly password: string;
  readonly email: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly is_active: boolean;
  readonly is_staff: boolean;
  readonly is_superuser: boolean;
  readonly date_joined: string;
  readonly last_login: string | null;
}

export function toUser(row: UserRow): User {
  return {
    ...row,
    is_active: Boolean(row.is_active),
    is_staff: Boolean(row.is_staff),
    is_superuser: Boolean(row.is_superuser),
  };
}

/** Django's username field: at most 150 characters of letters, digits and @.+-_ . */
export const USERNAME_MAX_LENGTH = 150;
export const USERNAME_PATTERN = /^[\p{L}\p{N}@.+\-_]+$/u;
export const USERNAME_INVALID = 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

export function usernameProblem(username: string): string | null {
  if (username === '') return 'This field may not be blank.';
  if ([...username].length > USERNAME_MAX_LENGTH) return `Ensure this field has no more than ${USERNAME_MAX_LENGTH} characters.`;
  if (!USERNAME_PATTERN.test(username)) {
    return USERNAME_INVALID;
  }
  return null;
}

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<User | null> {
  const row = await db.selectFrom('auth_user').selectAll().where('username', '=', username).executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<User | null> {
  const row = await db.selectFrom('auth_user').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

export interface NewUserFields {
  readonly username: string;
  /** A Django-encoded hash (see passwords.ts), or an unusable one. */
  readonly passwordHash: string;
  readonly email?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly is_active?: boolean;
  readonly is_staff?: boolean;
  readonly is_superuser?: boolean;
}

export async function insertUser(db: Kysely<Database>, fields: NewUserFields): Promise<User> {
  const row = await db
    .insertInto('auth_user')
    .values({
      username: fields.username,
      password: fields.passwordHash,
      email: fields.email ?? '',
      first_name: fields.first_name ?? '',
      last_name: fields.last_name ?? '',
      is_active: fields.is_active ?? true,
      is_staff: fields.is_staff ?? false,
      is_superuser: fields.is_superuser ?? false,
      date_joined: nowTimestamp(),
      last_login: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function setPasswordHash(db: Kysely<Database>, userId: number, passwordHash: string): Promise<void> {
  await db.updateTable('auth_user').set({ password: passwordHash }).where('id', '=', userId).execute();
}

export async function setPassword(db: Kysely<Database>, userId: number, password: string): Promise<void> {
  await setPasswordHash(db, userId, await hashPassword(password));
}

export interface UserFlags {
  readonly is_active?: boolean;
  readonly is_staff?: boolean;
  readonly is_superuser?: boolean;
}

export async function setUserFlags(db: Kysely<Database>, userId: number, flags: UserFlags): Promise<void> {
  if (Object.keys(flags).length === 0) return;
  await db.updateTable('auth_user').set(flags).where('id', '=', userId).execute();
}

/**
 * Every message a ModelSerializer's username field gives a non-blank name, in DRF's order:
 * Django's UnicodeUsernameValidator, the 150-character limit, then UniqueValidator (which
 * ignores the user `exceptId`, the instance being updated).
 */
export async function usernameMessages(db: Kysely<Database>, username: string, exceptId: number | null): Promise<string[]> {
  const messages: string[] = [];
  if (!USERNAME_PATTERN.test(username)) {
    messages.push('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.');
  }
  if ([...username].length > USERNAME_MAX_LENGTH) messages.push(`Ensure this field has no more than ${USERNAME_MAX_LENGTH} characters.`);
  let taken = db.selectFrom('auth_user').select('id').where('username', '=', username);
  if (exceptId !== null) taken = taken.where('id', '!=', exceptId);
  if ((await taken.executeTakeFirst()) !== undefined) messages.push('A user with that username already exists.');
  return messages;
}

/** Django's update_last_login (the user_logged_in signal): now. */
export async function touchLastLogin(db: Kysely<Database>, userId: number): Promise<void> {
  await db.updateTable('auth_user').set({ last_login: nowTimestamp() }).where('id', '=', userId).execute();
}

/** Users with this e-mail address (Django's exact match) and this active flag. */
export async function findUsersByEmail(db: Kysely<Database>, email: string, options: { active: boolean }): Promise<User[]> {
  const rows = await db.selectFrom('auth_user').selectAll().where('email', '=', email).where('is_active', '=', options.active).orderBy('id').execute();
  return rows.map(toUser);
}
