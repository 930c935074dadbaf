// The commands of `tessera` (Django's manage.py), each a function that tests call directly
// with a database, an output and a prompter. They return the exit code; CommandError is
// printed as Django prints it ("CommandError: ...") with exit code 1.
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Db } from '../db/connect.js';
import { createMigrator } from '../db/migrate.js';
import type { Project } from '../project.js';
import { hashPassword } from '../auth/passwords.js';
import { passwordProblems } from '../auth/password-validation.js';
import { getOrCreateKey, hasToken, listTokens, resetToken } from '../auth/token-store.js';
import type { TokenSealer } from '../auth/tokens.js';
import { findUserByUsername, insertUser, setPasswordHash, setUserFlags, usernameProblem, type User } from '../auth/users.js';
import { toApiDateTime, toStoredTimestamp } from '../db/timestamps.js';
import { recordCommandEvent } from '../audit/audit-log.js';
import { parseDuration } from '../config.js';
import {
  describeOperation,
  makeMigrations,
  MakeMigrationsError,
  registrationLines,
  type MakeMigrationsResult,
} from '../generics/makemigrations.js';
import { blacklistUserTokens } from '../auth/jwt/blacklist.js';
import { revokeAllCredentials, revokedAnything } from '../auth/sessions.js';

export class CommandError extends Error {}

export interface Output {
  write(text: string): void;
}

export interface Prompter {
  /** Asks one question; hidden input is not echoed. Throws when no input is available. */
  ask(question: string, options?: { hidden?: boolean }): Promise<string>;
}

export interface CommandContext {
  readonly db: Db;
  readonly sealer: TokenSealer;
  readonly out: Output;
  readonly err: Output;
  readonly prompter: Prompter;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The project whose migrations run with Tessera's (none: Tessera alone). */
  readonly project?: Project;
}

function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}

async function requireUser(db: Kysely<Database>, username: string, what: string): Promise<User> {
  const user = await findUserByUsername(db, username);
  if (user === null) throw new CommandError(`${what}: user ${username} does not exist`);
  return user;
}

// ---------------------------------------------------------------- migrate

export async function migrateCommand(ctx: CommandContext): Promise<void> {
  const migrator = await createMigrator(ctx.db.kysely, ctx.project?.migrations);
  ctx.out.write('Operations to perform:\n  Apply all migrations: tessera\nRunning migrations:\n');
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    ctx.out.write(`  Applying ${result.migrationName}... ${result.status === 'Success' ? 'OK' : 'FAILED'}\n`);
  }
  if (error !== undefined) throw new CommandError(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  if (results.length === 0) ctx.out.write('  No migrations to apply.\n');
}

// ---------------------------------------------------------------- passwords

async function askNewPassword(ctx: CommandContext, username: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const password = await ctx.prompter.ask('Password: ', { hidden: true });
    const again = await ctx.prompter.ask('Password (again): ', { hidden: true });
    if (password !== again) {
      ctx.err.write("Error: Your passwords didn't match.\n");
      continue;
    }
    if (password.trim() === '') {
      ctx.err.write("Error: Blank passwords aren't allowed.\n");
      continue;
    }
    const problems = passwordProblems(password, username);
    if (problems.length === 0) return password;
    ctx.err.write(`${problems.join('\n')}\n`);
    const bypass = await ctx.prompter.ask('Bypass password validation and create user anyway? [y/N]: ');
    if (bypass.trim().toLowerCase() === 'y') return password;
  }
  throw new CommandError('Aborting password change after 3 attempts.');
}

// ---------------------------------------------------------------- users

export interface CreateSuperuserOptions {
  readonly noInput: boolean;
  readonly username?: string;
  readonly email?: string;
}

export async function createSuperuserCommand(ctx: CommandContext, options: CreateSuperuserOptions): Promise<void> {
  const db = ctx.db.kysely;
  let username = options.username ?? (options.noInput ? ctx.env.DJANGO_SUPERUSER_USERNAME : undefined);
  let email = options.email ?? (options.noInput ? ctx.env.DJANGO_SUPERUSER_EMAIL : undefined);
  let password: string | undefined;

  if (options.noInput) {
    password = ctx.env.DJANGO_SUPERUSER_PASSWORD;
    if (username === undefined || username === '') {
      throw new CommandError('You must use --username with --no-input (or set DJANGO_SUPERUSER_USERNAME).');
    }
    const problem = usernameProblem(username);
    if (problem !== null) throw new CommandError(`Error: ${problem}`);
    if (await findUserByUsername(db, username)) throw new CommandError('Error: That username is already taken.');
  } else {
    for (;;) {
      if (username === undefined) username = (await ctx.prompter.ask('Username: ')).trim();
      const problem = usernameProblem(username) ?? ((await findUserByUsername(db, username)) ? 'That username is already taken.' : null);
      if (problem === null) break;
      ctx.err.write(`Error: ${problem}\n`);
      if (options.username !== undefined) throw new CommandError(`Error: ${problem}`);
      username = undefined;
    }
    if (email === undefined) email = (await ctx.prompter.ask('Email address: ')).trim();
    password = await askNewPassword(ctx, username);
  }

  await insertUser(db, {
    username,
    email: email ?? '',
    // Without a password (--no-input and no DJANGO_SUPERUSER_PASSWORD) the user cannot log in, as in Django.
    passwordHash: password === undefined || password === '' ? '!' : await hashPassword(password),
    is_staff: true,
    is_superuser: true,
  });
  ctx.out.write('Superuser created successfully.\n');
}

export async function changePasswordCommand(ctx: CommandContext, username: string): Promise<void> {
  const user = await findUserByUsername(ctx.db.kysely, username);
  if (user === null) throw new CommandError(`user '${username}' does not exist`);
  ctx.out.write(`Changing password for user '${username}'\n`);
  const password = await askNewPassword(ctx, username);
  await setPasswordHash(ctx.db.kysely, user.id, await hashPassword(password));
  ctx.out.write(`Password changed successfully for user '${username}'\n`);
}

export interface SetUserOptions {
  readonly password: string;
  readonly inactive: boolean;
  readonly staff: boolean;
}

/** Create or update a user for scripts: password, active unless --inactive, staff only with --staff. */
export async function setUserCommand(ctx: CommandContext, username: string, options: SetUserOptions): Promise<void> {
  const db = ctx.db.kysely;
  const problem = usernameProblem(username);
  if (problem !== null) throw new CommandError(`Invalid username ${JSON.stringify(username)}: ${problem}`);
  const passwordHash = await hashPassword(options.password);
  const flags = { is_active: !options.inactive, is_staff: options.staff };
  const existing = await findUserByUsername(db, username);
  if (existing === null) {
    await insertUser(db, { username, passwordHash, ...flags });
  } else {
    await setPasswordHash(db, existing.id, passwordHash);
    await setUserFlags(db, existing.id, flags);
    // A deactivated user's refresh tokens end with the account (re-activation does not revive them).
    if (!flags.is_active) await blacklistUserTokens(db, existing.id);
  }
  ctx.out.write(`${existing === null ? 'Created' : 'Updated'} user ${username} (active=${pyBool(flags.is_active)}, staff=${pyBool(flags.is_staff)})\n`);
}

// ---------------------------------------------------------------- tokens

export async function createTokenCommand(ctx: CommandContext, username: string, options: { reset: boolean }): Promise<string> {
  const db = ctx.db.kysely;
  const user = await requireUser(db, username, 'Cannot create the Token');
  const hadToken = await hasToken(db, user.id);
  const key = options.reset ? await resetToken(db, ctx.sealer, user.id) : await getOrCreateKey(db, ctx.sealer, user.id);
  if (options.reset || !hadToken) {
    await recordCommandEvent(db, { action: hadToken ? 'token_reset' : 'token_created', username, userId: user.id });
  }
  ctx.out.write(`Generated token ${key} for user ${username}\n`);
  return key;
}

export async function revokeTokenCommand(ctx: CommandContext, username: string): Promise<void> {
  const user = await requireUser(ctx.db.kysely, username, 'Cannot revoke the Token');
  if (!revokedAnything(await revokeAllCredentials(ctx.db.kysely, user.id))) throw new CommandError(`User ${username} has no token`);
  await recordCommandEvent(ctx.db.kysely, { action: 'token_revoked', username, userId: user.id });
  ctx.out.write(`Revoked the token of user ${username}\n`);
}

export async function listTokensCommand(ctx: CommandContext): Promise<void> {
  const tokens = await listTokens(ctx.db.kysely, ctx.sealer);
  if (tokens.length === 0) {
    ctx.out.write('No tokens.\n');
    return;
  }
  const rows = tokens.map((token) => [token.username, `${token.key_prefix}…`, toApiDateTime(token.created)]);
  const header = ['USERNAME', 'KEY', 'CREATED'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    ctx.out.write(`${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`);
  }
}

// ---------------------------------------------------------------- audit log

/** Deletes audit entries older than the given age (a retention policy, run from cron). */
export async function pruneAuditLogCommand(ctx: CommandContext, olderThan: string): Promise<number> {
  let seconds: number | null;
  try {
    seconds = parseDuration('--older-than', olderThan, null);
  } catch {
    throw new CommandError(`--older-than must be a duration such as 90d, 12h or 3600, got "${olderThan}"`);
  }
  if (seconds === null) throw new CommandError('--older-than must be more than 0');
  const cutoff = new Date(Date.now() - seconds * 1000);
  const result = await ctx.db.kysely.deleteFrom('tessera_audit_log').where('created', '<', toStoredTimestamp(cutoff)).executeTakeFirst();
  const deleted = Number(result.numDeletedRows);
  ctx.out.write(`Deleted ${deleted} audit log ${deleted === 1 ? 'entry' : 'entries'} older than ${cutoff.toISOString().slice(0, 19)}Z\n`);
  return deleted;
}

// ---------------------------------------------------------------- makemigrations

export interface MakeMigrationsCommandOptions {
  /** Where the project's migration files live; default src/migrations. */
  readonly dir?: string;
  /** The file prefix (`<app>_0002_...`); default: the last word of the nearest package.json's name. */
  readonly name?: string;
}

/**
 * Django's makemigrations: one new migration file for what the project's declarations add
 * to the schema its migrations make (generics/makemigrations.ts). Needs no database.
 */
export async function makeMigrationsCommand(ctx: Pick<CommandContext, 'out' | 'project'>, options: MakeMigrationsCommandOptions = {}): Promise<void> {
  const dir = options.dir ?? 'src/migrations';
  let result: MakeMigrationsResult;
  try {
    result = await makeMigrations(ctx.project ?? {}, { dir, ...(options.name === undefined ? {} : { app: options.name }) });
  } catch (error) {
    if (error instanceof MakeMigrationsError) throw new CommandError(error.message);
    throw error;
  }
  if (!result.written) {
    ctx.out.write('No changes detected\n');
    return;
  }
  ctx.out.write(`Migrations for '${result.app}':\n  ${result.path}\n`);
  for (const operation of result.operations) ctx.out.write(`    + ${describeOperation(operation)}\n`);
  ctx.out.write(
    "Add it to the project's migrations record: a static import list (Tessera never reads the folder), so it runs only once listed.\n"
    + `In the module that declares the Project (the path is relative to ${dirname(dir)}/):\n`
    + registrationLines(dir, result.name).map((line) => `  ${line}\n`).join(''),
  );
}
