// A data folder Tessera cannot write: the server and the CLI name the path and say why,
// never "cannot listen on HOST:PORT" or a bare SqliteError. Tests run as root, whom
// chmod does not stop, so the unwritable cases run the child as `nobody` (runuser), and
// the others put the database under a regular file, which stops root too.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderError, loadConfig, writeProblem } from '../src/config.js';
import { PROJECT_ROOT } from './helpers/server.js';

const run = promisify(execFile);
const SECRET = { SECRET_KEY: 'x'.repeat(40) };
const RUNUSER = '/usr/sbin/runuser';
const asRoot = process.getuid?.() === 0;

/** Runs node with args as a user whom file modes stop: `nobody` under root, else this user. */
function unprivileged(args: string[], env: Record<string, string>) {
  const [file, argv] = asRoot
    ? [RUNUSER, ['-u', 'nobody', '--', 'env', ...Object.entries(env).map(([name, value]) => `${name}=${value}`), process.execPath, ...args]]
    : [process.execPath, args];
  return run(file, argv, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, timeout: 30_000 })
    .then(({ stderr }) => ({ code: 0, stderr }), (error: { code: number; stderr: string }) => error);
}

describe('an unwritable data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-data-'));
    chmodSync(dir, 0o755);
  });
  afterEach(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused by loadConfig with the path, when a file stands where a folder must be', () => {
    writeFileSync(join(dir, 'file'), '');
    const file = join(dir, 'file', 'data', 'db.sqlite3');
    expect(writeProblem(file)).toBe(`${join(dir, 'file')} is a file, not a folder`);
    expect(() => loadConfig({ ...SECRET, DATABASE_URL: file })).toThrow(DataFolderError);
    expect(() => loadConfig({ ...SECRET, DATABASE_URL: file })).toThrow(
      `Tessera cannot write its database ${file}: ${join(dir, 'file')} is a file, not a folder. Make the folder writable by this user, or set DATABASE_URL to another place.`,
    );
    mkdirSync(join(dir, 'folder.sqlite3'));
    expect(writeProblem(join(dir, 'folder.sqlite3'))).toBe(`${join(dir, 'folder.sqlite3')} is a folder, not a file`);
    expect(writeProblem(join(dir, 'new', 'db.sqlite3'))).toBeNull();
  });

  it.skipIf(asRoot && !existsSync(RUNUSER))('stops the server with the folder and why, not as a port problem', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    chmodSync(locked, 0o000);
    const user = asRoot ? 'nobody' : (await import('node:os')).userInfo().username;
    const env = { DATABASE_URL: join(locked, 'db.sqlite3'), LOG_LEVEL: 'warn', WEB_ROOT: '', PORT: '0' };

    const withKey = await unprivileged(['dist/main.js'], { ...env, ...SECRET });
    expect(withKey.code).toBe(1);
    expect(withKey.stderr).toBe(`Tessera cannot write its database ${join(locked, 'db.sqlite3')}: permission denied: user ${user} may not write in ${locked}. `
      + 'Make the folder writable by this user, or set DATABASE_URL to another place.\n');

    // Without SECRET_KEY the server would first write secret_key there: the same sentence, no HOST:PORT.
    const withoutKey = await unprivileged(['dist/main.js'], env);
    expect(withoutKey.stderr).not.toContain('HOST:PORT');
    expect(withoutKey.stderr).toContain(`may not write in ${locked}`);

    // A missing folder under one that cannot be written.
    const deep = join(locked, 'a', 'b', 'db.sqlite3');
    const missing = await unprivileged(['dist/main.js'], { ...env, ...SECRET, DATABASE_URL: deep });
    expect(missing.stderr).toBe(`Tessera cannot write its database ${deep}: its folder ${join(locked, 'a')} does not exist and cannot be made: `
      + `permission denied: user ${user} may not write in ${locked}. Make the folder writable by this user, or set DATABASE_URL to another place.\n`);

    // A database file this user may not write, in a folder it may.
    chmodSync(locked, 0o755);
    writeFileSync(join(locked, 'db.sqlite3'), '');
    chmodSync(join(locked, 'db.sqlite3'), 0o444);
    const readOnly = await unprivileged(['bin/tessera.js', 'migrate'], { ...env, ...SECRET });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toBe(`Tessera cannot write its database ${join(locked, 'db.sqlite3')}: permission denied: user ${user} may not write ${join(locked, 'db.sqlite3')}. `
      + 'Make the folder writable by this user, or set DATABASE_URL to another place.\n');
  }, 90_000);
});
