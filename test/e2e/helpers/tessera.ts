/**
 * Starts Tessera as `npm start` would (`node dist/main.js`) on a fresh SQLite file (or a
 * fresh PostgreSQL database) and a free port, and stops it again. Each test file gets its
 * own server and database.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { ensureBuilt } from './build.js';
import { ROOT } from './paths.js';
import { freePort } from './ports.js';
import { stopProcess, waitForLine } from './process.js';

const run = promisify(execFile);

export interface UserOptions {
  staff?: boolean;
  inactive?: boolean;
}

/** What the browser tests need from a server, whichever server it is. */
export interface TestServer {
  /** Where the browser opens the client, e.g. http://127.0.0.1:41234 */
  appUrl: string;
  /** Where the API lives (the same origin for Tessera). */
  apiUrl: string;
  createUser(username: string, password: string, options?: UserOptions): Promise<void>;
  stop(): Promise<void>;
}

/** Tessera's own extras: its command line, on the server's database. */
export interface TesseraServer extends TestServer {
  port: number;
  /** Runs `tessera <args>` with the server's environment plus `extraEnv`; resolves with stdout. */
  manage(args: string[], extraEnv?: Record<string, string>): Promise<string>;
}

export interface StartOptions {
  /** CORS_ALLOWED_ORIGINS, comma-separated. */
  corsAllowedOrigins?: string;
  /** Reference mode only: skip building and serving the client (API-only tests). */
  withoutClient?: boolean;
  /** More names for ALLOWED_HOSTS (a LAN name the browser maps to 127.0.0.1). */
  extraAllowedHosts?: string[];
  /** More environment for the server (TOKEN_MODE, TRUST_PROXY...). */
  env?: Record<string, string>;
  /** The database: a SQLite file (default) or a PostgreSQL database made for this server. */
  dialect?: 'sqlite' | 'postgres';
}

const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function onPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function startTessera(options: StartOptions = {}): Promise<TesseraServer> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const port = await freePort();
  const postgresName = options.dialect === 'postgres' ? `tessera_e2e_${randomBytes(6).toString('hex')}` : null;
  if (postgresName !== null) await onPostgres(`create database ${postgresName}`);
  async function dropDatabase(): Promise<void> {
    if (postgresName !== null) await onPostgres(`drop database if exists ${postgresName} with (force)`);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgresName === null ? join(dir, 'db.sqlite3') : `postgres://postgres@127.0.0.1:5432/${postgresName}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    SECRET_KEY: 'e2e-only-not-secret-'.padEnd(64, 'x'),
    LOG_LEVEL: 'warn',
    ALLOWED_HOSTS: ['127.0.0.1', 'localhost', ...(options.extraAllowedHosts ?? [])].join(','),
    CORS_ALLOWED_ORIGINS: options.corsAllowedOrigins ?? 'http://localhost:5173,http://127.0.0.1:5173',
    ...options.env,
  };
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForLine(child, new RegExp(origin.replace(/[.]/g, '\\.')), 30_000);
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase();
    throw error;
  }
  // Keep draining the pipes so a chatty server never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();

  return {
    port,
    appUrl: origin,
    apiUrl: origin,
    async createUser(username: string, password: string, userOptions: UserOptions = {}): Promise<void> {
      const args = ['bin/tessera.js', 'user', 'set', username, '--password', password];
      if (userOptions.staff) args.push('--staff');
      if (userOptions.inactive) args.push('--inactive');
      await run(process.execPath, args, { cwd: ROOT, env });
    },
    async manage(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
      const { stdout } = await run(process.execPath, ['bin/tessera.js', ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
      return stdout;
    },
    async stop(): Promise<void> {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
      await dropDatabase();
    },
  };
}
