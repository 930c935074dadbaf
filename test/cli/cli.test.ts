// The `tessera` commands: called directly on each database, and once through the real
// binary to check argument parsing, output and exit codes.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_PREFIX_LENGTH } from '../../src/auth/token-store.js';
import { digestKey } from '../../src/auth/tokens.js';
import { findUserByUsername } from '../../src/auth/users.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import {
  changePasswordCommand, createSuperuserCommand, createTokenCommand, listTokensCommand,
  migrateCommand, pruneAuditLogCommand, revokeTokenCommand, setUserCommand,
} from '../../src/cli/commands.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';
import { PROJECT_ROOT } from '../helpers/server.js';
import { commandContext } from '../helpers/cli.js';

const run = promisify(execFile);

const context = commandContext;

describe.each(DIALECTS)('CLI commands on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('migrate reports that nothing is left to apply', async () => {
    const { ctx, out } = context(database);
    await migrateCommand(ctx);
    expect(out()).toContain('No migrations to apply.');
  });

  it('user set creates, then updates flags and password, keeping the token', async () => {
    const { ctx, out } = context(database);
    await setUserCommand(ctx, 'mamun', { password: 'first-pass-1' });
    expect(out()).toBe('Created user mamun (active=True, staff=False)\n');
    const key = await createTokenCommand(ctx, 'mamun', { reset: false });
    await setUserCommand(ctx, 'mamun', { password: 'second-pass-2', active: false, staff: true });
    expect(out()).toContain('Updated user mamun (active=False, staff=True)\n');
    const user = (await findUserByUsername(database.db.kysely, 'mamun'))!;
    expect(user.is_active).toBe(false);
    expect(user.is_staff).toBe(true);
    expect(await verifyPassword('second-pass-2', user.password)).toBe(true);
    const token = await database.db.kysely.selectFrom('tessera_token').select('key_digest').executeTakeFirstOrThrow();
    expect(token.key_digest).toBe(digestKey(key));
  });

  it('token create prints the same key until --reset, revoke deletes it, list shows prefixes only', async () => {
    const { ctx, out } = context(database);
    await setUserCommand(ctx, 'bob', { password: 'bob-pass-123' });
    const key = await createTokenCommand(ctx, 'bob', { reset: false });
    expect(out()).toContain(`Generated token ${key} for user bob\n`);
    expect(await createTokenCommand(ctx, 'bob', { reset: false })).toBe(key);
    const reset = await createTokenCommand(ctx, 'bob', { reset: true });
    expect(reset).not.toBe(key);
    const before = out().length;
    await listTokensCommand(ctx);
    const listing = out().slice(before);
    expect(listing).toContain(`bob       ${reset.slice(0, 6)}…`);
    expect(listing).not.toContain(reset.slice(0, KEY_PREFIX_LENGTH + 1)); // the prefix, never more of the key
    await revokeTokenCommand(ctx, 'bob');
    expect(out()).toContain('Revoked the token of user bob\n');
    await expect(revokeTokenCommand(ctx, 'bob')).rejects.toThrow('User bob has no token');
    await expect(createTokenCommand(ctx, 'nobody', { reset: false })).rejects.toThrow('Cannot create the Token: user nobody does not exist');

    // Each change is in the audit log, from no address; the token commands name no actor (yet).
    const entries = await database.db.kysely.selectFrom('tessera_audit_log').selectAll().orderBy('id').execute();
    expect(entries.map((entry) => [entry.action, entry.object_repr, entry.actor_username, entry.ip])).toEqual([
      ['user_created', 'bob', 'cli:root', null],
      ['token_created', 'bob', null, null],
      ['token_reset', 'bob', null, null],
      ['token_revoked', 'bob', null, null],
    ]);
  });

  it('audit prune deletes entries older than the given age', async () => {
    const { ctx, out } = context(database);
    const values = (created: string) => ({ created, action: 'login', object_type: 'user', object_repr: 'bob', changes: '{}', actor_id: null, actor_username: null, object_id: null, ip: null });
    await database.db.kysely.insertInto('tessera_audit_log').values([values('2001-01-01 00:00:00.000000'), values('2999-01-01 00:00:00.000000')]).execute();
    expect(await pruneAuditLogCommand(ctx, '365d')).toBe(1);
    expect(out()).toMatch(/^Deleted 1 audit log entry older than \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(await database.db.kysely.selectFrom('tessera_audit_log').select('created').execute()).toHaveLength(1);
    await expect(pruneAuditLogCommand(ctx, 'a while')).rejects.toThrow('--older-than must be a duration');
    await expect(pruneAuditLogCommand(ctx, '0')).rejects.toThrow('--older-than must be more than 0');
  });

  it('user set changes only what its flags say, and --reset-flags sets every flag', async () => {
    const { ctx, out } = context(database, [], { USER: 'ops' });
    await setUserCommand(ctx, 'stella', { password: 'stella-pass-1', staff: true });
    const before = (await findUserByUsername(database.db.kysely, 'stella'))!.password;
    await setUserCommand(ctx, 'stella', { password: 'stella-pass-2' });
    expect(out()).toContain('Updated user stella (active=True, staff=True)\n');
    await setUserCommand(ctx, 'stella', { active: false });
    let user = (await findUserByUsername(database.db.kysely, 'stella'))!;
    expect([user.is_active, user.is_staff]).toEqual([false, true]);
    expect(user.password).not.toBe(before);
    expect(await verifyPassword('stella-pass-2', user.password)).toBe(true);
    await setUserCommand(ctx, 'stella', { staff: false, active: true });
    await setUserCommand(ctx, 'stella', { staff: true, active: false });
    await setUserCommand(ctx, 'stella', { password: 'stella-pass-3', resetFlags: true });
    user = (await findUserByUsername(database.db.kysely, 'stella'))!;
    expect([user.is_active, user.is_staff]).toEqual([true, false]);
    await expect(setUserCommand(ctx, 'nobody-yet', {})).rejects.toThrow('User nobody-yet does not exist; give --password to create it');

    // Each change is one audit entry by the CLI's actor, with what changed; never the password.
    const entries = await database.db.kysely.selectFrom('tessera_audit_log').selectAll().orderBy('id').execute();
    expect(entries.map((entry) => [entry.action, entry.actor_id, entry.actor_username, entry.object_repr, JSON.parse(entry.changes)])).toEqual([
      ['user_created', null, 'cli:ops', 'stella', { username: 'stella', email: '', first_name: '', last_name: '', is_active: true, is_staff: true, is_superuser: false }],
      ['password_changed', null, 'cli:ops', 'stella', {}],
      ['user_updated', null, 'cli:ops', 'stella', { is_active: [true, false] }],
      ['user_updated', null, 'cli:ops', 'stella', { is_active: [false, true], is_staff: [true, false] }],
      ['user_updated', null, 'cli:ops', 'stella', { is_active: [true, false], is_staff: [false, true] }],
      ['user_updated', null, 'cli:ops', 'stella', { is_active: [false, true], is_staff: [true, false] }],
      ['password_changed', null, 'cli:ops', 'stella', {}],
    ]);
    expect(entries.every((entry) => entry.ip === null && !entry.changes.includes('stella-pass'))).toBe(true);
  });

  it("createsuperuser asks Django's questions with Django's checks and messages", async () => {
    await setUserCommand(context(database).ctx, 'taken', { password: 'taken-pass-1' });
    const answers = [
      'bad name', 'taken', '', 'not-an-email', 'Admin@Example.COM',
      'abc', 'abd', '   ', '   ', '1', '1', 'n', 'ops', 'ops', 'N', 'long-enough-pw', 'long-enough-pw',
    ];
    const { ctx, out, err } = context(database, answers, { USER: 'ops' });
    await createSuperuserCommand(ctx, { noInput: false });
    expect(out()).toBe([
      "Username (leave blank to use 'ops'): ", "Username (leave blank to use 'ops'): ", "Username (leave blank to use 'ops'): ",
      'Email address: ', 'Email address: ',
      'Password: ', 'Password (again): ', 'Password: ', 'Password (again): ', 'Password: ', 'Password (again): ',
      'Bypass password validation and create user anyway? [y/N]: ',
      'Password: ', 'Password (again): ', 'Bypass password validation and create user anyway? [y/N]: ',
      'Password: ', 'Password (again): ',
      'Superuser created successfully.\n',
    ].join(''));
    expect(err()).toBe([
      'Error: Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
      'Error: That username is already taken.',
      'Error: Enter a valid email address.',
      "Error: Your passwords didn't match.",
      "Error: Blank passwords aren't allowed.",
      'This password is too short. It must contain at least 8 characters.\nThis password is too common.\nThis password is entirely numeric.',
      'The password is too similar to the username.\nThis password is too short. It must contain at least 8 characters.',
      '',
    ].join('\n'));
    const user = (await findUserByUsername(database.db.kysely, 'ops'))!;
    expect(user).toMatchObject({ email: 'Admin@example.com', is_staff: true, is_superuser: true, is_active: true });
    expect(await verifyPassword('long-enough-pw', user.password)).toBe(true);
    const entry = await database.db.kysely.selectFrom('tessera_audit_log').selectAll().where('object_repr', '=', 'ops').executeTakeFirstOrThrow();
    expect([entry.action, entry.actor_username, JSON.parse(entry.changes)]).toEqual(['user_created', 'cli:ops', {
      username: 'ops', email: 'Admin@example.com', first_name: '', last_name: '', is_active: true, is_staff: true, is_superuser: true,
    }]);
  });

  it('createsuperuser with --username checks it first, takes a bad one as Django does, and accepts "y" to bypass', async () => {
    const { ctx, err } = context(database, ['boss', 'boss@example.com', 'boss', 'boss', 'y'], { USER: 'root' });
    await createSuperuserCommand(ctx, { noInput: false, username: 'no way' });
    expect(err()).toBe('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.\n'
      + 'The password is too similar to the username.\nThis password is too short. It must contain at least 8 characters.\nThis password is too common.\n');
    expect(await verifyPassword('boss', (await findUserByUsername(database.db.kysely, 'boss'))!.password)).toBe(true);
    await expect(createSuperuserCommand(context(database).ctx, { noInput: false, username: '' })).rejects.toThrow(/^Username cannot be blank\.$/);
    await expect(createSuperuserCommand(context(database).ctx, { noInput: false, username: 'other', email: 'not-an-email' }))
      .rejects.toThrow(/^Enter a valid email address\.$/);
  });

  it('createsuperuser skips, as Django does, when stdin is no terminal', async () => {
    const { ctx, out } = context(database);
    await createSuperuserCommand({ ...ctx, prompter: { ...ctx.prompter, terminal: false } }, { noInput: false });
    expect(out()).toBe('Superuser creation skipped due to not running in a TTY. You can run `tessera createsuperuser` in your project to create one manually.\n');
    expect(await database.db.kysely.selectFrom('auth_user').select('id').execute()).toEqual([]);
  });

  it("createsuperuser --no-input reads DJANGO_SUPERUSER_* with Django's checks, and judges the password", async () => {
    const env = { DJANGO_SUPERUSER_USERNAME: 'root', DJANGO_SUPERUSER_PASSWORD: 'root-pass-123', DJANGO_SUPERUSER_EMAIL: 'root@example.com' };
    await createSuperuserCommand(context(database, [], env).ctx, { noInput: true });
    expect((await findUserByUsername(database.db.kysely, 'root'))!.is_superuser).toBe(true);
    const refused = async (options: { username?: string; email?: string }, environment: Record<string, string>) =>
      createSuperuserCommand(context(database, [], environment).ctx, { noInput: true, ...options }).then(() => 'created', (error: Error) => error.message);
    expect(await refused({}, env)).toBe('Error: That username is already taken.');
    expect(await refused({}, {})).toBe('You must use --username with --noinput.');
    expect(await refused({ username: '' }, {})).toBe('Username cannot be blank.');
    expect(await refused({ username: 'x'.repeat(151) }, {})).toBe('Ensure this value has at most 150 characters (it has 151).');
    expect(await refused({ username: 'two' }, {})).toBe('You must use --email with --noinput.');
    expect(await refused({ username: 'two', email: 'not-an-email' }, {})).toBe('Enter a valid email address.');
    expect(await refused({ username: 'two', email: 'two@example.com' }, { DJANGO_SUPERUSER_PASSWORD: '1' }))
      .toBe('This password is too short. It must contain at least 8 characters.; This password is too common.; This password is entirely numeric.');
    // No password: the user exists but cannot log in, as with Django's --noinput.
    expect(await refused({ username: 'two', email: 'two@example.com' }, {})).toBe('created');
    expect((await findUserByUsername(database.db.kysely, 'two'))!.password).toMatch(/^![A-Za-z0-9]{40}$/);
  });

  it("changepassword asks as Django's does: three tries, no bypass, the OS user by default", async () => {
    await setUserCommand(context(database).ctx, 'carol', { password: 'old-pass-123' });
    const { ctx, out, err } = context(database, ['new-pass-456', 'different', '1', '1', 'new-pass-456', 'new-pass-456'], { USER: 'carol' });
    await changePasswordCommand(ctx);
    expect(out()).toBe("Changing password for user 'carol'\nPassword: Password (again): Passwords do not match. Please try again.\n"
      + "Password: Password (again): Password: Password (again): Password changed successfully for user 'carol'\n");
    expect(err()).toBe('This password is too short. It must contain at least 8 characters.\nThis password is too common.\nThis password is entirely numeric.\n');
    const user = (await findUserByUsername(database.db.kysely, 'carol'))!;
    expect(await verifyPassword('new-pass-456', user.password)).toBe(true);
    const entries = await database.db.kysely.selectFrom('tessera_audit_log').select(['action', 'actor_username']).where('object_repr', '=', 'carol').orderBy('id').execute();
    expect(entries.at(-1)).toEqual({ action: 'password_changed', actor_username: 'cli:carol' });

    const threeTimes = context(database, ['a', 'b', 'carol', 'carol', 'c', 'd']);
    await expect(changePasswordCommand(threeTimes.ctx, 'carol')).rejects.toThrow(/^Aborting password change for user 'carol' after 3 attempts$/);
    expect(threeTimes.err()).not.toContain('Bypass');
    await expect(changePasswordCommand(context(database, ['']).ctx, 'carol')).rejects.toThrow(/^aborted$/);
    await expect(changePasswordCommand(context(database).ctx, 'nobody')).rejects.toThrow("user 'nobody' does not exist");
    expect(await verifyPassword('new-pass-456', (await findUserByUsername(database.db.kysely, 'carol'))!.password)).toBe(true);
  });
});

describe('the tessera binary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const tessera = (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) =>
    run(process.execPath, [join(PROJECT_ROOT, 'bin/tessera.js'), ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: join(dir, 'db.sqlite3'), SECRET_KEY: 'x'.repeat(40), USER: 'ops', ...options.env },
    }).then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (error: { code: number; stdout: string; stderr: string }) => error);

  it('runs a command against DATABASE_URL, says which database it writes, with exit codes', async () => {
    const database = `Database: ${join(dir, 'db.sqlite3')}\n`;
    expect((await tessera(['migrate'])).stderr).toBe(database);
    const created = await tessera(['user', 'set', 'zed', '--password', 'zed-pass-123', '--staff']);
    expect(created).toEqual({ code: 0, stdout: 'Created user zed (active=True, staff=True)\n', stderr: database });
    const token = await tessera(['token', 'create', 'zed']);
    expect(token.stdout).toMatch(/^Generated token [0-9a-f]{40} for user zed\n$/);
    expect(await tessera(['token', 'list'])).toMatchObject({ code: 0, stderr: '' });
    const missing = await tessera(['token', 'create', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`${database}CommandError: Cannot create the Token: user nobody does not exist\n`);
    const usage = await tessera(['token', 'frobnicate']);
    expect(usage.code).not.toBe(0);
  }, 60_000);

  it('takes --staff/--no-staff and --active/--inactive, and --reset-flags for the conformance suite', async () => {
    await tessera(['migrate']);
    await tessera(['user', 'set', 'sam', '--password', 'sam-pass-123', '--staff', '--inactive']);
    expect((await tessera(['user', 'set', 'sam', '--password', 'sam-pass-456'])).stdout).toBe('Updated user sam (active=False, staff=True)\n');
    expect((await tessera(['user', 'set', 'sam', '--no-staff', '--active'])).stdout).toBe('Updated user sam (active=True, staff=False)\n');
    await tessera(['user', 'set', 'sam', '--staff', '--inactive']);
    expect((await tessera(['user', 'set', 'sam', '--reset-flags', '--password', 'p'])).stdout).toBe('Updated user sam (active=True, staff=False)\n');
    expect((await tessera(['user', 'set', 'sam', '--active', '--inactive'])).stderr).toBe('CommandError: --active and --inactive cannot be given together\n');
  }, 90_000);

  it("takes Django's --noinput spelling and --no-input, and skips the questions without a terminal", async () => {
    await tessera(['migrate']);
    const env = { DJANGO_SUPERUSER_PASSWORD: 'root-pass-123' };
    expect((await tessera(['createsuperuser', '--noinput', '--username', 'root', '--email', 'root@example.com'], { env })).stdout).toBe('Superuser created successfully.\n');
    expect((await tessera(['createsuperuser', '--no-input', '--username', 'root2', '--email', 'root@example.com'], { env })).stdout).toBe('Superuser created successfully.\n');
    expect((await tessera(['createsuperuser'])).stdout).toMatch(/^Superuser creation skipped due to not running in a TTY\./);
  }, 60_000);

  it('uses the project folder\'s database from a subfolder, and refuses a missing one outside migrate', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'src', 'deep'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{"name": "project"}\n');
    const env = { DATABASE_URL: '', SECRET_KEY: '' };
    const database = join(project, 'data', 'tessera.sqlite3');

    const refused = await tessera(['createsuperuser', '--noinput', '--username', 'a', '--email', 'a@example.com'], { cwd: join(project, 'src', 'deep'), env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`CommandError: There is no database at ${database} (DATABASE_URL is not set, so it is data/tessera.sqlite3 in ${project}). `
      + "Run this in the server's project folder, set DATABASE_URL to the server's database, or create a new one with `tessera migrate`.\n");
    expect(existsSync(join(project, 'data'))).toBe(false);

    expect((await tessera(['migrate'], { cwd: project, env })).stderr).toBe(`Database: ${database}\n`);
    const created = await tessera(['user', 'set', 'deep', '--password', 'deep-pass-123'], { cwd: join(project, 'src', 'deep'), env });
    expect(created).toMatchObject({ code: 0, stderr: `Database: ${database}\n` });
    expect(readdirSync(join(project, 'data')).sort()).toEqual(['secret_key', 'tessera.sqlite3']);
    expect(existsSync(join(project, 'src', 'deep', 'data'))).toBe(false);
    const token = await tessera(['token', 'create', 'deep'], { cwd: join(project, 'src'), env });
    expect(token.stdout).toMatch(/^Generated token [0-9a-f]{40} for user deep\n$/);
  }, 60_000);

  it('refuses a database with a secret_key the server never wrote, outside migrate', async () => {
    await tessera(['migrate']);
    const result = await tessera(['token', 'list'], { env: { SECRET_KEY: '' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`SECRET_KEY is not set and there is no ${join(dir, 'secret_key')}, which the server writes on its first start. `
      + 'Run this where the server runs, set SECRET_KEY, or create both with `tessera migrate`.\n');
    expect(existsSync(join(dir, 'secret_key'))).toBe(false);
  });
});
