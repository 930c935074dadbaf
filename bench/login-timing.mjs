// node bench/login-timing.mjs [--dir CHECKOUT] [--port N] [--rounds N] [--upgrade]
// Login time of three failures, against a real server (CHECKOUT's dist/main.js, default
// this one, built first with `npx tsc -p tsconfig.build.json`) on a fresh SQLite file:
// an unknown username, a wrong password on an argon2id account, and a wrong password on an
// account imported from Django 5.1 (pbkdf2_sha256$1000000). The three are sent in turn,
// one at a time, ROUNDS times; it prints each one's median and p90 in ms. With --upgrade
// it then runs `tessera hashes upgrade`, restarts the server and measures again.
import { spawn, execFileSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: fileURLToPath(new URL('../', import.meta.url)) },
    port: { type: 'string', default: '8420' },
    rounds: { type: 'string', default: '30' },
    upgrade: { type: 'boolean', default: false },
  },
});
const dir = resolve(args.dir);
const port = Number(args.port);
const rounds = Number(args.rounds);
const data = mkdtempSync(join(tmpdir(), 'tessera-login-timing-'));
const env = {
  ...process.env,
  DATABASE_URL: join(data, 'db.sqlite3'),
  SECRET_KEY: 'login-timing-secret-key-0123456789abcdef',
  LOGIN_FAILURES_ALLOWED: '100000',
  LOG_LEVEL: 'warn',
  WEB_ROOT: '',
  HOST: '127.0.0.1',
  PORT: String(port),
};

function manage(...argv) {
  execFileSync('node', [join(dir, 'bin/tessera.js'), ...argv], { env, stdio: ['ignore', 'pipe', 'inherit'] });
}

manage('user', 'set', 'fresh', '--password', 'fresh-password-1');
manage('user', 'set', 'imported', '--password', 'placeholder-1');
const salt = randomBytes(11).toString('hex');
const imported = `pbkdf2_sha256$1000000$${salt}$${pbkdf2Sync('imported-password', salt, 1_000_000, 32, 'sha256').toString('base64')}`;
const db = new SQLite(env.DATABASE_URL);
db.prepare('UPDATE auth_user SET password = ? WHERE username = ?').run(imported, 'imported');
db.close();

async function startServer() {
  const server = spawn('node', [join(dir, 'dist/main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolveStart, reject) => {
    server.stdout.on('data', (chunk) => { if (String(chunk).includes('serving on')) resolveStart(); });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return server;
}

async function timeLogin(username, password) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/token-auth/`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  await response.text();
  if (response.status !== 400) throw new Error(`${username}: expected 400, got ${response.status}`);
  return performance.now() - started;
}

const CASES = [['unknown user', 'nobody'], ['wrong password, argon2id', 'fresh'], ['wrong password, pbkdf2_sha256$1000000', 'imported']];

async function measure(title) {
  const server = await startServer();
  try {
    await timeLogin('warm-up', 'x'); // the first login reads the formats in use
    const times = CASES.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [index, [, username]] of CASES.entries()) times[index].push(await timeLogin(username, 'wrong-password'));
    }
    console.log(`\n${title} (${rounds} rounds, ms)`);
    for (const [index, [name]] of CASES.entries()) {
      const sorted = times[index].sort((a, b) => a - b);
      const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(0);
      console.log(`  ${name.padEnd(40)} median ${at(0.5).padStart(4)}   p90 ${at(0.9).padStart(4)}`);
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolveExit) => server.once('exit', resolveExit));
  }
}

try {
  await measure(`${dir}, imported hash as Django wrote it`);
  if (args.upgrade) {
    manage('hashes', 'upgrade');
    await measure(`${dir}, after tessera hashes upgrade`);
  }
} finally {
  rmSync(data, { recursive: true, force: true });
}
