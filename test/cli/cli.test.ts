// The `tessera` commands: called directly on each database, and once through the real
// binary to check argument parsing, output and exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
    await setUserCommand(ctx, 'mamun', { password: 'first-pass-1', inactive: false, staff: false });
    expect(out()).toBe('Created user mamun (active=True, staff=False)\n');
    const key = await createTokenCommand(ctx, 'mamun', { reset: false });
    await setUserCommand(ctx, 'mamun', { password: 'second-pass-2', inactive: true, staff: true });
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
    await setUserCommand(ctx, 'bob', { password: 'bob-pass-123', inactive: false, staff: false });
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

    // Each change is in the audit log, made by no one (the CLI) from no address.
    const entries = await database.db.kysely.selectFrom('tessera_audit_log').selectAll().orderBy('id').execute();
    expect(entries.map((entry) => [entry.action, entry.object_repr, entry.actor_username, entry.ip])).toEqual([
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

  it('createsuperuser asks, validates and creates a staff superuser', async () => {
    const { ctx, out, err } = context(database, ['admin', 'admin@example.com', 'short', 'short', 'n', 'long-enough-pw', 'long-enough-pw']);
    await createSuperuserCommand(ctx, { noInput: false });
    expect(err()).toContain('This password is too short. It must contain at least 8 characters.');
    expect(out()).toContain('Superuser created successfully.');
    const user = (await findUserByUsername(database.db.kysely, 'admin'))!;
    expect(user).toMatchObject({ email: 'admin@example.com', is_staff: true, is_superuser: true, is_active: true });
    expect(await verifyPassword('long-enough-pw', user.password)).toBe(true);
  });

  it('createsuperuser --no-input reads DJANGO_SUPERUSER_* and refuses a taken username', async () => {
    const env = { DJANGO_SUPERUSER_USERNAME: 'root', DJANGO_SUPERUSER_PASSWORD: 'root-pass-123', DJANGO_SUPERUSER_EMAIL: 'root@example.com' };
    await createSuperuserCommand(context(database, [], env).ctx, { noInput: true });
    expect((await findUserByUsername(database.db.kysely, 'root'))!.is_superuser).toBe(true);
    await expect(createSuperuserCommand(context(database, [], env).ctx, { noInput: true })).rejects.toThrow('That username is already taken.');
    await expect(createSuperuserCommand(context(database, [], {}).ctx, { noInput: true })).rejects.toThrow('--username');
  });

  it('changepassword asks twice and refuses a mismatch', async () => {
    await setUserCommand(context(database).ctx, 'carol', { password: 'old-pass-123', inactive: false, staff: false });
    const { ctx, out, err } = context(database, ['new-pass-456', 'different', 'new-pass-456', 'new-pass-456']);
    await changePasswordCommand(ctx, 'carol');
    expect(err()).toContain("Error: Your passwords didn't match.");
    expect(out()).toContain("Password changed successfully for user 'carol'");
    const user = (await findUserByUsername(database.db.kysely, 'carol'))!;
    expect(await verifyPassword('new-pass-456', user.password)).toBe(true);
    await expect(changePasswordCommand(context(database).ctx, 'nobody')).rejects.toThrow("user 'nobody' does not exist");
  });
});

describe('the tessera binary', () => {
  it('runs a command against DATABASE_URL, with exit codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const env = { ...process.env, DATABASE_URL: join(dir, 'db.sqlite3'), SECRET_KEY: 'x'.repeat(40) };
    const created = await run(process.execPath, ['bin/tessera.js', 'user', 'set', 'zed', '--password', 'zed-pass-123', '--staff'], { cwd: PROJECT_ROOT, env });
    expect(created.stdout).toBe('Created user zed (active=True, staff=True)\n');
    const token = await run(process.execPath, ['bin/tessera.js', 'token', 'create', 'zed'], { cwd: PROJECT_ROOT, env });
    expect(token.stdout).toMatch(/^Generated token [0-9a-f]{40} for user zed\n$/);
    const missing = await run(process.execPath, ['bin/tessera.js', 'token', 'create', 'nobody'], { cwd: PROJECT_ROOT, env }).catch((error) => error);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('CommandError: Cannot create the Token: user nobody does not exist\n');
    const usage = await run(process.execPath, ['bin/tessera.js', 'token', 'frobnicate'], { cwd: PROJECT_ROOT, env }).catch((error) => error);
    expect(usage.code).not.toBe(0);
  });
});
