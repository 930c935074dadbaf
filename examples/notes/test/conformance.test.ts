// ../shared/conformance's notes suite against the server `npm start` runs (dist/main.js),
// with `npm run manage -- user set` (dist/manage.js) as its user command, on each database.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from 'tessera';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/app.js';

const EXAMPLE = new URL('..', import.meta.url).pathname;
const SUITE = process.env.CONFORMANCE_SUITE ?? new URL('../../../../shared/conformance/run.mjs', import.meta.url).pathname;
const run = promisify(execFile);
if (!existsSync(SUITE)) console.warn(`conformance suite not found at ${SUITE}: skipped (set CONFORMANCE_SUITE to its run.mjs)`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function onPostgres(statement: string): Promise<void> {
  const admin = openDatabase({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/postgres', schema: undefined });
  try {
    await sql.raw(statement).execute(admin.kysely);
  } finally {
    await admin.close();
  }
}

describe.runIf(existsSync(SUITE)).each(DIALECTS)('the notes suite on %s', (dialect) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-notes-'));
  const database = `tessera_notes_${randomBytes(6).toString('hex')}`;
  let server: ChildProcess;
  let env: Record<string, string>;
  let base: string;

  beforeAll(async () => {
    if (dialect === 'postgres') await onPostgres(`create database ${database}`);
    const port = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      DATABASE_URL: dialect === 'postgres' ? `postgres://postgres@127.0.0.1:5432/${database}` : join(dir, 'notes.sqlite3'),
      PORT: String(port),
      SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    };
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['dist/main.js'], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('is serving on')) resolve(); });
      server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((resolve) => server?.once('exit', resolve));
    if (dialect === 'postgres') await onPostgres(`drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every case', async () => {
    const result = await run(process.execPath, [SUITE, '--base', base, '--suite', 'notes'], {
      cwd: EXAMPLE,
      env: { ...env, ADDUSER_CMD: 'node dist/manage.js user set {username} --password {password} --reset-flags {flags}' },
      timeout: 300_000,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }));
    expect(result.stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  }, 300_000);
});
