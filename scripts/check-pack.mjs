#!/usr/bin/env node
// The package as a project outside this repository gets it: `npm pack`, a copy of
// examples/notes in a temporary folder with its `tessera` dependency pointed at the tarball,
// `npm install` there (from the registry, better-sqlite3 compiled from source: a few
// minutes), `npm start` on a free port, ../shared/conformance's notes suite against it,
// then stop and clean up. Exit status 0 only when the suite passes.
//
//   node scripts/check-pack.mjs [--keep]     # --keep: leave the temporary folder
//
// Not part of `npm test`: it is slow and needs the registry. CONFORMANCE_SUITE locates the
// suite's run.mjs (default ../shared/conformance/run.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'notes');
const SUITE = process.env.CONFORMANCE_SUITE ?? fileURLToPath(new URL('../../shared/conformance/run.mjs', import.meta.url));
const KEEP = process.argv.includes('--keep');

// What docs/library.md tells a project to put in its package.json: npm 11 runs a
// dependency's install script only when the project's root allowScripts approves it, and
// better-sqlite3 builds its native module in one. The install below is strict (anything
// unreviewed fails it), so the tarball's own `prepare` (Tessera's build from source, which
// npm never runs from a tarball but lists as pending) is denied too: npm matches a `file:`
// dependency by its absolute path, so that key is only for this one folder.
function allowScripts(tarball) {
  return { 'better-sqlite3': true, [`file:${tarball}`]: false };
}

function step(text) {
  process.stdout.write(`\n== ${text}\n`);
}

// npm's own environment (npm_config_*, npm_package_*) when this runs as an npm script
// would leak the repository's settings into the copy's npm; start clean.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('npm_')) env[name] = value;
  return { ...env, ...extra };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

if (!existsSync(SUITE)) {
  process.stderr.write(`check-pack: the conformance suite is not at ${SUITE}; set CONFORMANCE_SUITE to its run.mjs\n`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'tessera-check-pack-'));
let server = null;
let exitCode = 1;

async function stopServer() {
  if (server === null || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  // `npm start` is npm, then node: signal the whole process group (detached below).
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  const timer = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
  await exited;
  clearTimeout(timer);
}

try {
  step(`npm pack (a clean build: prepack empties dist/, prepare builds it) into ${work}`);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const tarball = join(work, packed[0].filename);
  process.stdout.write(`${basename(tarball)}: ${packed[0].entryCount} files, ${(packed[0].size / 1024).toFixed(0)} kB\n`);

  step('copy examples/notes, its tessera dependency pointed at the tarball');
  const project = join(work, 'notes');
  cpSync(EXAMPLE, project, {
    recursive: true,
    filter: (source) => !/^(node_modules|dist|data)(\/|$)/.test(relative(EXAMPLE, source)),
  });
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  manifest.dependencies.tessera = `file:../${basename(tarball)}`;
  manifest.allowScripts = { ...allowScripts(tarball), ...manifest.allowScripts };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`dependencies: ${JSON.stringify(manifest.dependencies)}\nallowScripts: ${JSON.stringify(manifest.allowScripts)}\n`);

  step('npm install (strict-allow-scripts: any install script the policy does not cover fails it)');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--strict-allow-scripts'], { cwd: project, env: cleanEnv(), stdio: 'inherit' });

  step("import('tessera') and a deep import, as the project's code sees them");
  const probe = `
    const tessera = await import('tessera');
    const deep = await import('tessera/dist/app.js').then(() => 'imported', (error) => error.code);
    console.log(Object.keys(tessera).length + ' exports; tessera/dist/app.js: ' + deep);
    if (deep !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') process.exit(1);
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: project, stdio: 'inherit' });

  const port = await freePort();
  const env = cleanEnv({
    DATABASE_URL: join(project, 'data', 'notes.sqlite3'),
    PORT: String(port),
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  });
  const base = `http://127.0.0.1:${port}`;
  step(`npm start on ${base}`);
  server = spawn('npm', ['start'], { cwd: project, env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 120 s')), 120_000);
    server.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      if (chunk.toString().includes('is serving on')) { clearTimeout(timer); resolve(); }
    });
    server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited with ${code}`)); });
  });

  step(`the notes suite (${relative(ROOT, SUITE)})`);
  const suite = spawn(process.execPath, [SUITE, '--base', base, '--suite', 'notes'], {
    cwd: project,
    env: { ...env, ADDUSER_CMD: 'npm run -s manage -- user set {username} --password {password} --reset-flags {flags}' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  suite.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
  const suiteCode = await new Promise((resolve) => suite.once('exit', resolve));
  const last = output.trim().split('\n').at(-1) ?? '';
  exitCode = suiteCode === 0 && /^\d+ passed, 0 failed$/.test(last) ? 0 : 1;
  step(exitCode === 0 ? `passed: ${last}` : `FAILED: ${last || `the suite exited with ${suiteCode}`}`);
} catch (error) {
  process.stderr.write(`check-pack: ${error.message}\n`);
  exitCode = 1;
} finally {
  await stopServer();
  if (KEEP) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
