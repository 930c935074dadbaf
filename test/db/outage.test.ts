// Database outages: requests get a JSON 503 with Retry-After quickly (not after the
// database's own time), the outage is logged once when it starts and once when it ends,
// and the server recovers by itself. PostgreSQL: an instance of the test's own (initdb in
// a temporary folder, on a port of its own), frozen with SIGSTOP, then stopped, and
// brought back; never the machine's server on 5432. While it is down /readyz fails with a
// JSON 503 (each check has a deadline, so a frozen database fails the probe rather than
// hanging it), and it is 200 again once the database is back. SQLite: a write lock another
// connection holds past busy_timeout. Also (item 16) a start against a PostgreSQL that
// is not running says which server, in one line.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { getOrCreateKey } from '../../src/auth/token-store.js';
import { createTokenSealer } from '../../src/auth/tokens.js';
import { insertUser } from '../../src/auth/users.js';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { testConfig } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';
import { freePort, PROJECT_ROOT } from '../helpers/server.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const SERVICE_UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.' };
// src/http/health.ts and docs/deployment.md; an app built by buildApp alone checks the database.
const READY = { status: 'ready', checks: { database: 'ok' } };
const NOT_READY = { status: 'unavailable', checks: { database: 'unavailable' } };
const TIMEOUTS = { connectMs: 1000, statementMs: 1000 };

/** The lines a pino logger writes, parsed. */
function logCapture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function messages(lines: ReadonlyArray<Record<string, unknown>>, text: string): number {
  return lines.filter((line) => String(line.msg).startsWith(text)).length;
}

/** A PostgreSQL cluster of the test's own, run as the postgres user when the test runs as root. */
class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
  readonly data = join(this.dir, 'data');
  constructor(readonly port: number) {}

  private run(command: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { stdio: 'ignore' });
    else execFileSync(join(PG_BIN, command), args, { stdio: 'ignore' });
  }

  init(): void {
    if (process.getuid?.() === 0) {
      const { uid, gid } = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
      chownSync(this.dir, uid, gid);
    }
    this.run('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  }

  start(): void {
    this.run('pg_ctl', ['start', '-w', '-D', this.data, '-l', join(this.dir, 'log'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`]);
  }

  stop(): void {
    this.run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', this.data]);
  }

  /** The postmaster and every process it started (its backends): all of the server. */
  private pids(): number[] {
    const postmaster = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    });
    return [postmaster, ...children.map(Number)];
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    for (const pid of this.pids()) process.kill(pid, signal);
  }

  remove(): void {
    if (existsSync(join(this.data, 'postmaster.pid'))) {
      this.signal('SIGCONT');
      this.stop();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface Running {
  readonly base: string;
  readonly authorization: string;
  readonly lines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

async function serve(db: Db, config: ReturnType<typeof testConfig>): Promise<Running> {
  const { logger, lines } = logCapture();
  const password = await hashPassword('unused-password-123');
  const user = await insertUser(db.kysely, { username: 'alice', passwordHash: password, is_active: true, is_staff: false, is_superuser: false });
  const key = await getOrCreateKey(db.kysely, createTokenSealer(config.secretKey), user.id);
  const app = await buildApp({ config, db, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    authorization: `Token ${key}`,
    lines,
    async close() {
      await app.close();
    },
  };
}

async function get(running: Running, path = '/api/products/'): Promise<Response> {
  return fetch(`${running.base}${path}`, { headers: { authorization: running.authorization }, signal: AbortSignal.timeout(20_000) });
}

async function expect503(running: Running): Promise<void> {
  const response = await get(running);
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(await response.json()).toEqual(SERVICE_UNAVAILABLE);
}

/** /readyz as a load balancer asks for it: by address, no credentials, a bounded wait. */
async function readyz(running: Running): Promise<Response> {
  return fetch(`${running.base}/readyz`, { headers: { host: '10.0.0.11:8000' }, signal: AbortSignal.timeout(20_000) });
}

async function expectNotReady(running: Running): Promise<void> {
  const response = await readyz(running);
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(await response.json()).toEqual(NOT_READY);
}

/** Polls until the API answers 200 again (the test's timeout bounds it). */
async function recovered(running: Running): Promise<void> {
  for (;;) {
    const response = await get(running).catch(() => null);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls until /readyz answers 200 again, by itself, then checks its whole answer. */
async function readyAgain(running: Running): Promise<void> {
  for (;;) {
    const response = await readyz(running).catch(() => null);
    if (response?.status === 200) {
      expect(response.headers.get('retry-after')).toBeNull();
      expect(await response.json()).toEqual(READY);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function logged(lines: ReadonlyArray<Record<string, unknown>>, text: string, count: number): Promise<void> {
  while (messages(lines, text) < count) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe.runIf(DIALECTS.includes('postgres') && existsSync(join(PG_BIN, 'initdb')))('a PostgreSQL outage', () => {
  let server: OwnPostgres;
  let db: Db;
  let running: Running;

  beforeAll(async () => {
    server = new OwnPostgres(await freePort());
    server.init();
    server.start();
    const url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
    const migrations = openDatabase({ dialect: 'postgres', url });
    await migrateToLatest(migrations.kysely);
    await migrations.close();
    db = openDatabase({ dialect: 'postgres', url }, { timeouts: TIMEOUTS });
    running = await serve(db, testConfig({ database: { dialect: 'postgres', url }, databaseTimeouts: TIMEOUTS }));
  }, 120_000);

  afterAll(async () => {
    await running?.close();
    await db?.close();
    server?.remove();
  });

  it('frozen: 503 with Retry-After, logged once, /readyz 503; thawed: served and ready again, logged once', async () => {
    expect((await get(running)).status).toBe(200);
    await readyAgain(running);
    server.signal('SIGSTOP');
    try {
      // Before: each of these waited as long as the freeze lasted (here: for ever).
      for (let i = 0; i < 5; i++) await expect503(running);
      await Promise.all([expect503(running), expect503(running), expect503(running)]);
      // Within the probe's deadline (2 s) or the database's timeouts, not the freeze's length.
      await expectNotReady(running);
      await Promise.all([expectNotReady(running), expectNotReady(running)]);
    } finally {
      server.signal('SIGCONT');
    }
    await recovered(running);
    await readyAgain(running);
    await logged(running.lines, 'database available again', 1);
    expect(messages(running.lines, 'database unavailable')).toBe(1);
    expect(running.lines.filter((line) => line.level === 50 && line.msg !== 'database unavailable: requests get 503 until it answers again')).toEqual([]);
  }, 120_000);

  it('stopped: 503 at once, /readyz 503; started again: served and ready again without a restart', async () => {
    await recovered(running);
    await readyAgain(running);
    server.stop();
    try {
      for (let i = 0; i < 5; i++) await expect503(running);
      await expectNotReady(running);
    } finally {
      server.start();
    }
    await readyAgain(running);
    await recovered(running);
    await logged(running.lines, 'database available again', 2);
    expect(messages(running.lines, 'database unavailable')).toBe(2);
  }, 120_000);
});

describe.runIf(DIALECTS.includes('sqlite'))('a SQLite write lock held past busy_timeout', () => {
  it('is a 503 with Retry-After, not a 500', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-busy-'));
    const path = join(dir, 'db.sqlite3');
    const db = openDatabase({ dialect: 'sqlite', path }, { timeouts: TIMEOUTS });
    await migrateToLatest(db.kysely);
    const running = await serve(db, testConfig({ database: { dialect: 'sqlite', path }, databaseTimeouts: TIMEOUTS }));
    const other = new SQLite(path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const response = await fetch(`${running.base}/api/products/`, {
        method: 'POST',
        headers: { authorization: running.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'n', description: '', price: '1.00' }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual(SERVICE_UNAVAILABLE);
      other.prepare('ROLLBACK').run();
      expect((await get(running)).status).toBe(200);
    } finally {
      other.close();
      await running.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a start against a PostgreSQL that is not running', () => {
  it('says which server and why, in one line, and exits 1', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: `postgres://tessera:hunter2-secret@127.0.0.1:${port}/tessera`, SECRET_KEY: randomBytes(32).toString('hex'), PORT: '0', WEB_ROOT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(`Tessera cannot start: Cannot connect to PostgreSQL at 127.0.0.1:${port}/tessera: the connection was refused (is PostgreSQL running there?)\n`);
  });
});
