// npm run bench [-- options]: seeds databases, starts Tessera as `npm start` does (the
// compiled dist/main.js, production settings, logging on) and the bare node:http baseline
// (bench/baseline.mjs) on the same data, loads both over loopback with autocannon, and
// prints req/s, p50/p99 latency and peak RSS per scenario with Tessera's ratio to the
// baseline measured in the same run. See bench/README.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seed } from './seed.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));

const USAGE = `npm run bench -- [options]
  --database sqlite|postgres   database for Tessera and the baseline (default sqlite)
  --users N                    users, each with a token (default 10000)
  --large-users N              second database for the token-count scenario (default 1000000; 0 skips)
  --products N                 products (default 100)
  --duration S                 measured seconds per scenario (default 10)
  --warmup S                   warm-up seconds before each (default 2)
  --rounds N                   compared servers take turns in N slices of the duration (default 5)
  --restarts N                 product detail: measure N times, on freshly started servers (default 3)
  --connections N              connections for the GET/POST scenarios (default 40)
  --login-connections N        connections sending logins (default 8)
  --storm-connections N        connections sending GETs during the login storm (default 10)
  --storm-rate N               GETs per second during the storm, 0 = as fast as possible (default 0)
  --postgres-url URL           server to create the benchmark databases on (default postgres://postgres@127.0.0.1:5432/postgres)
  --quick                      smoke run: 2,000 users, no large database, 1 s scenarios
  --scenarios LIST             only these, comma-separated (default all): detail, large, list, invalid, create,
                               login, storm, workers (large and workers also measure detail, their reference)
  --no-build                   use dist/ as it is (default: tsc -p tsconfig.build.json first)
  --json FILE                  also write the results as JSON (default bench/results/<date>.json)
  --compare DIR                also run the Tessera built in DIR (another checkout, e.g. a git worktree of the
                               commit before a change), interleaved with this one on the same data: before/after`;

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'sqlite' },
    users: { type: 'string' },
    'large-users': { type: 'string' },
    products: { type: 'string', default: '100' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    restarts: { type: 'string' },
    connections: { type: 'string', default: '40' },
    'login-connections': { type: 'string', default: '8' },
    'storm-connections': { type: 'string', default: '10' },
    'storm-rate': { type: 'string', default: '0' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    quick: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    compare: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args.database !== 'sqlite' && args.database !== 'postgres') {
  console.error(`--database must be sqlite or postgres\n\n${USAGE}`);
  process.exit(2);
}

const quick = args.quick;
const ALL_SCENARIOS = ['detail', 'large', 'list', 'invalid', 'create', 'login', 'storm', 'workers'];
const chosen = new Set(args.scenarios === undefined ? ALL_SCENARIOS : args.scenarios.split(',').map((name) => name.trim()).filter(Boolean));
for (const name of chosen) {
  if (!ALL_SCENARIOS.includes(name)) {
    console.error(`--scenarios: unknown scenario ${name} (known: ${ALL_SCENARIOS.join(', ')})\n\n${USAGE}`);
    process.exit(2);
  }
}
// Product detail is the reference of the large-database ratio and of the workers' ratio.
chosen.add('detail');
const settings = {
  database: args.database,
  users: Number(args.users ?? (quick ? 2000 : 10_000)),
  largeUsers: chosen.has('large') ? Number(args['large-users'] ?? (quick ? 0 : 1_000_000)) : 0,
  products: Number(args.products),
  duration: Number(args.duration ?? (quick ? 1 : 10)),
  warmup: Number(args.warmup ?? (quick ? 0.5 : 2)),
  rounds: Math.max(1, Number(args.rounds ?? (quick ? 1 : 5))),
  restarts: Math.max(1, Number(args.restarts ?? (quick ? 1 : 3))),
  connections: Number(args.connections),
  loginConnections: Number(args['login-connections']),
  stormConnections: Number(args['storm-connections']),
  stormRate: Number(args['storm-rate']),
  sampleSize: 100_000,
};
for (const [name, value] of Object.entries(settings)) {
  if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
    console.error(`bad value for ${name}: ${value}`);
    process.exit(2);
  }
}

const log = (line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------
// CPU pinning: server on CPU 0, load generator on CPU 1, when taskset and two CPUs exist.

const PIN = (() => {
  if (cpus().length < 2) return null;
  const probe = spawnSync('taskset', ['-c', '0', 'true']);
  return probe.status === 0 ? { server: '0', load: '1' } : null;
})();

function pinned(cpu, command, commandArgs) {
  return PIN === null || cpu === null ? [command, commandArgs] : ['taskset', ['-c', cpu, command, ...commandArgs]];
}

/** Lets every thread of a running process use every CPU (or only `cpu` again). */
function setAffinity(pid, cpu) {
  if (PIN === null) return;
  spawnSync('taskset', ['-a', '-p', '-c', cpu ?? `0-${cpus().length - 1}`, String(pid)], { stdio: 'ignore' });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Peak memory of a server (the process and its children: WORKERS=N). Two figures:
// - RSS: every resident page, VmHWM (reset at the start of each measured period through
//   /proc/<pid>/clear_refs) or the sampled VmRSS. It counts the pages of files the process
//   maps: Node's own binary, and a SQLite database read through mmap_size, which are the
//   kernel's page cache, shared, and dropped under memory pressure rather than swapped.
// - private: RssAnon, the process's own memory (heap, stacks, SQLite's page cache, the
//   buffers of sockets), sampled every 50 ms: what a process costs the machine.

function procStatus(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM'), anon: field('RssAnon') };
  } catch {
    return null;
  }
}

/** The pid and its descendants (the workers of a WORKERS=N primary). */
function processTree(pid) {
  const pids = [pid];
  for (let index = 0; index < pids.length; index++) {
    try {
      const children = readFileSync(`/proc/${pids[index]}/task/${pids[index]}/children`, 'utf8').trim();
      if (children !== '') pids.push(...children.split(' ').map(Number));
    } catch {
      // Gone already.
    }
  }
  return pids;
}

function treeStatus(pids) {
  const statuses = pids.map(procStatus).filter((status) => status !== null);
  if (statuses.length === 0) return null;
  const sum = (name) => statuses.reduce((total, status) => total + status[name], 0);
  return { rss: sum('rss'), hwm: sum('hwm'), anon: sum('anon') };
}

function rssMonitor(pid) {
  const pids = processTree(pid);
  let resetWorked = false;
  try {
    for (const each of pids) writeFileSync(`/proc/${each}/clear_refs`, '5');
    resetWorked = true;
  } catch {
    // Not allowed here: the samples alone give the peak.
  }
  const first = treeStatus(pids);
  let max = first?.rss ?? 0;
  let maxAnon = first?.anon ?? 0;
  const timer = setInterval(() => {
    const status = treeStatus(pids);
    if (status === null) return;
    if (status.rss > max) max = status.rss;
    if (status.anon > maxAnon) maxAnon = status.anon;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      const status = treeStatus(pids);
      if (status === null) return { rss: max, anon: maxAnon };
      // Summed VmHWMs over-state a tree's peak a little (the peaks need not coincide).
      return { rss: Math.max(max, status.rss, resetWorked ? status.hwm : 0), anon: Math.max(maxAnon, status.anon) };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Servers

const tmp = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
const children = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function startProcess({ name, command, commandArgs, env, readyPattern, logFile, cwd = ROOT, cpu = PIN?.server ?? null }) {
  const [cmd, cmdArgs] = pinned(cpu, command, commandArgs);
  const child = track(spawn(cmd, cmdArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const logStream = createWriteStream(logFile);
  let output = '';
  let lines = 0;
  const onData = (chunk) => {
    logStream.write(chunk);
    const text = chunk.toString();
    lines += text.split('\n').length - 1;
    if (output.length < 20_000) output += text;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
    const check = () => {
      if (readyPattern.test(output)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
  });
  return {
    name,
    pid: child.pid,
    logLines: () => lines,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      await new Promise((resolve) => logStream.end(resolve));
    },
  };
}

/** Tessera as `npm start` runs it; `workers`: WORKERS=N, on every CPU (not pinned). */
async function startTessera(label, databaseUrl, secretKey, { root = ROOT, workers = null } = {}) {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    SECRET_KEY: secretKey,
    LOG_LEVEL: 'info',
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    // Only correct passwords are sent; this only keeps a slow run from ever being throttled.
    LOGIN_FAILURES_ALLOWED: '1000000',
    WORKERS: String(workers ?? 1),
  };
  const server = await startProcess({
    name: `tessera (${label})`,
    command: process.execPath,
    commandArgs: [...(process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'dist/main.js'],
    env,
    readyPattern: /Tessera is serving on http:\/\/127\.0\.0\.1:\d+\//,
    logFile: join(tmp, `tessera-${label}.log`),
    cwd: root,
    ...(workers === null ? {} : { cpu: null }),
  });
  return { ...server, url: `http://127.0.0.1:${port}` };
}

async function startBaseline(label, databaseUrl, { minimalHeaders = false, oneTransaction = false } = {}) {
  const port = await freePort();
  const server = await startProcess({
    name: `baseline (${label}${minimalHeaders ? ', minimal headers' : ''}${oneTransaction ? ', one transaction' : ''})`,
    command: process.execPath,
    commandArgs: [join(HERE, 'baseline.mjs')],
    env: {
      ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port),
      BASELINE_HEADERS: minimalHeaders ? 'minimal' : 'django',
      BASELINE_READS: oneTransaction ? 'one-transaction' : 'autocommit',
      SQLITE_MMAP_SIZE: String(mmapMib),
    },
    readyPattern: /baseline listening on \d+/,
    logFile: join(tmp, `baseline-${label}.log`),
  });
  return { ...server, url: `http://127.0.0.1:${port}` };
}

// ---------------------------------------------------------------------------------------
// The baseline must give Tessera's answer: same status, body and headers (but the date).

const PER_RESPONSE_HEADERS = new Set(['date']);

async function answer(server, path, authorization) {
  const response = await fetch(`${server.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  const headers = [...response.headers].filter(([name]) => !PER_RESPONSE_HEADERS.has(name)).sort(([a], [b]) => a.localeCompare(b));
  return { status: response.status, headers, body: await response.text() };
}

async function checkSameAnswers(tessera, baseline, sample) {
  const requests = [
    ['/api/products/1/', `Token ${sample.keys[0]}`],
    ['/api/products/', `Token ${sample.keys[1]}`],
    ['/api/products/1/', `Token ${INVALID_KEY}`],
    ['/api/products/1/', undefined],
  ];
  for (const [path, authorization] of requests) {
    const [own, base] = await Promise.all([answer(tessera, path, authorization), answer(baseline, path, authorization)]);
    if (JSON.stringify(own) !== JSON.stringify(base)) {
      throw new Error(`${baseline.name} does not answer GET ${path} (${authorization === undefined ? 'no token' : 'a token'}) as ${tessera.name} does:\n`
        + `  Tessera:  ${JSON.stringify(own)}\n  baseline: ${JSON.stringify(base)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Load

let specCount = 0;

/** Runs one autocannon child; `onMeasure` fires when its measured period starts. */
function startLoad(spec, { cpu = PIN?.load ?? null, onMeasure = () => {} } = {}) {
  const file = join(tmp, `load-${++specCount}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const [cmd, cmdArgs] = pinned(cpu, process.execPath, [join(HERE, 'load.mjs'), file]);
  const child = track(spawn(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  let buffer = '';
  return new Promise((resolve, reject) => {
    let result = null;
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === 'MEASURE') onMeasure();
        else if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
      }
    });
    child.once('exit', (code) => {
      if (code === 0 && result !== null) resolve(result);
      else reject(new Error(`load generator exited with ${code}`));
    });
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(server, spec, options = {}) {
  let monitor = null;
  const latencyFile = join(tmp, `latency-${specCount + 1}.bin`);
  const result = await startLoad({ ...spec, latencyFile }, { ...options, onMeasure: () => (monitor = rssMonitor(server.pid)) });
  const peak = monitor?.stop() ?? { rss: 0, anon: 0 };
  const raw = readFileSync(latencyFile);
  const latencies = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
  rmSync(latencyFile, { force: true });
  const answered = Object.values(result.statusCodes).reduce((sum, count) => sum + count, 0);
  return {
    rps: answered / result.duration,
    answered,
    seconds: result.duration,
    latencies,
    p50: result.latency.p50,
    p99: result.latency.p99,
    peakRssMb: peak.rss / 1024 / 1024,
    peakPrivateMb: peak.anon / 1024 / 1024,
    statusCodes: result.statusCodes,
    errors: result.errors,
  };
}

/** Merges the slices of one server's rounds: req/s over all of them, one latency distribution. */
function mergeSlices(slices) {
  const answered = slices.reduce((sum, slice) => sum + slice.answered, 0);
  const seconds = slices.reduce((sum, slice) => sum + slice.seconds, 0);
  const all = new Float64Array(slices.reduce((sum, slice) => sum + slice.latencies.length, 0));
  let offset = 0;
  for (const slice of slices) {
    all.set(slice.latencies, offset);
    offset += slice.latencies.length;
  }
  all.sort();
  const statusCodes = {};
  for (const slice of slices) {
    for (const [code, count] of Object.entries(slice.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    rps: answered / seconds,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    peakRssMb: Math.max(...slices.map((slice) => slice.peakRssMb)),
    peakPrivateMb: Math.max(...slices.map((slice) => slice.peakPrivateMb)),
    statusCodes,
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    roundRps: slices.map((slice) => slice.rps),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median over rounds of row's req/s divided by reference's req/s in the same round. */
function pairedRatio(row, reference) {
  return median(row.roundRps.map((rps, index) => rps / reference.roundRps[index]));
}

function loadSpec(server, fields) {
  return {
    url: server.url,
    connections: settings.connections,
    warmup: settings.warmup,
    duration: settings.duration,
    ...fields,
  };
}

// ---------------------------------------------------------------------------------------
// Scenarios

const INVALID_KEY = 'f'.repeat(8) + randomBytes(16).toString('hex');
const CREATE_BODY = JSON.stringify({ name: 'Bench product', description: 'Made by npm run bench.', price: '12.50' });

const SCENARIOS = {
  detail: { title: 'product detail   GET /api/products/1/', expect: '200', spec: (sample) => ({ path: '/api/products/1/', keys: sample.keys }) },
  list: { title: 'product list     GET /api/products/ (100)', expect: '200', spec: (sample) => ({ path: '/api/products/', keys: sample.keys }) },
  invalid: {
    title: 'invalid token    GET /api/products/1/',
    expect: '401',
    spec: () => ({ path: '/api/products/1/', headers: { authorization: `Token ${INVALID_KEY}` } }),
  },
  create: {
    title: 'product create   POST /api/products/',
    expect: '201',
    spec: (sample) => ({ method: 'POST', path: '/api/products/', headers: { 'content-type': 'application/json' }, body: CREATE_BODY, keys: sample.keys }),
  },
  login: {
    title: 'login            POST /api/token-auth/',
    expect: '200',
    spec: (sample) => ({
      method: 'POST',
      path: '/api/token-auth/',
      headers: { 'content-type': 'application/json' },
      usernames: sample.usernames,
      password: sample.password,
      connections: settings.loginConnections,
      timeout: 60,
    }),
  },
};

function checkStatuses(label, measured, expected) {
  const unexpected = Object.entries(measured.statusCodes).filter(([code]) => code !== expected);
  if (unexpected.length > 0 || measured.errors > 0) {
    throw new Error(`${label}: expected only ${expected} responses, got ${JSON.stringify(measured.statusCodes)} and ${measured.errors} errors`);
  }
}

const rows = [];

async function runScenario(key, server, sample, { label = key, kind, dataset } = {}) {
  const scenario = SCENARIOS[key];
  log(`- ${scenario.title.replace(/\s+/g, ' ')} on ${server.name}`);
  const measured = mergeSlices([await measure(server, loadSpec(server, scenario.spec(sample)))]);
  checkStatuses(`${label} on ${server.name}`, measured, scenario.expect);
  const row = { scenario: label, title: scenario.title, server: kind, dataset, ...measured };
  rows.push(row);
  return row;
}

/**
 * One scenario on several servers in interleaved rounds (A B C, A B C, ...), each slice
 * 1/rounds of the duration, so that a slow spell of a shared machine hits every server
 * alike; ratios are then taken round by round (pairedRatio).
 */
async function runInterleaved(key, entries) {
  const scenario = SCENARIOS[key];
  log(`- ${scenario.title.replace(/\s+/g, ' ')}: ${entries.map((entry) => entry.server.name).join(' / ')}, ${settings.rounds} rounds`);
  const slices = entries.map(() => []);
  await measureRounds(key, entries, slices);
  return rowsFromSlices(key, entries, slices);
}

/** Adds settings.rounds interleaved slices per entry to `slices` (one list per entry). */
async function measureRounds(key, entries, slices) {
  const scenario = SCENARIOS[key];
  const sliceSeconds = settings.duration / settings.rounds;
  for (let round = 0; round < settings.rounds; round++) {
    for (const [index, entry] of entries.entries()) {
      const spec = loadSpec(entry.server, { ...scenario.spec(entry.sample), duration: sliceSeconds, warmup: round === 0 ? settings.warmup : Math.min(settings.warmup, 0.5) });
      slices[index].push(await measure(entry.server, spec, { cpu: entry.loadCpu === undefined ? PIN?.load ?? null : entry.loadCpu }));
    }
  }
}

function rowsFromSlices(key, entries, slices) {
  const scenario = SCENARIOS[key];
  return entries.map((entry, index) => {
    const measured = mergeSlices(slices[index]);
    checkStatuses(`${entry.label ?? key} on ${entry.server.name}`, measured, scenario.expect);
    const row = { scenario: entry.label ?? key, title: scenario.title, server: entry.kind, dataset: entry.dataset, ...measured };
    rows.push(row);
    return row;
  });
}

/**
 * WORKERS=2 against WORKERS=1 on product detail, interleaved in rounds, nothing pinned:
 * the servers and the load generator share every CPU, as on a machine a user runs.
 */
async function runWorkers(main, secretKey, dataset, servers) {
  const one = await startTessera('1 worker', main.url, secretKey, { workers: 1 });
  servers.push(one);
  const two = await startTessera('2 workers', main.url, secretKey, { workers: 2 });
  servers.push(two);
  await checkSameAnswers(one, two, main.sample);
  const [oneRow, twoRow] = await runInterleaved('detail', [
    { server: one, sample: main.sample, kind: 'tessera-workers-1', dataset, label: 'workers-1', loadCpu: null },
    { server: two, sample: main.sample, kind: 'tessera-workers-2', dataset, label: 'workers-2', loadCpu: null },
  ]);
  twoRow.ratioToOneWorker = pairedRatio(twoRow, oneRow);
  return { workersOne: oneRow, workersTwo: twoRow };
}

/** Logins on every core while GETs run: the GETs' latency is what the storm must not hurt. */
async function runStorm(server, sample, dataset) {
  log(`- login storm on ${server.name}`);
  setAffinity(server.pid, null);
  try {
    const logins = startLoad(
      { ...loadSpec(server, SCENARIOS.login.spec(sample)), warmup: settings.warmup, duration: settings.duration + settings.warmup * 2 },
      { cpu: null },
    );
    // The GETs start once the logins have filled the hash slots, and end before they stop.
    await new Promise((resolve) => setTimeout(resolve, settings.warmup * 1000 * 1.5));
    const gets = mergeSlices([await measure(server, loadSpec(server, {
      path: '/api/products/1/',
      keys: sample.keys,
      connections: settings.stormConnections,
      warmup: 0,
      ...(settings.stormRate > 0 ? { rate: settings.stormRate } : {}),
    }), { cpu: null })]);
    const loginResult = await logins;
    checkStatuses(`storm GETs on ${server.name}`, gets, '200');
    const loginCount = loginResult.statusCodes['200'] ?? 0;
    const row = {
      scenario: 'storm',
      title: 'login storm      GETs during logins',
      server: 'tessera',
      dataset,
      ...gets,
      loginRps: loginCount / loginResult.duration,
      loginP99: loginResult.latency.p99,
    };
    rows.push(row);
    return row;
  } finally {
    if (PIN !== null) setAffinity(server.pid, PIN.server);
  }
}

// ---------------------------------------------------------------------------------------
// Databases

const databasesToDrop = [];
let mmapMib = 0;

async function createDatabase(dialect, label, users) {
  if (dialect === 'sqlite') {
    const path = join(tmp, `${label}.sqlite3`);
    return { url: path, path };
  }
  const { default: pg } = await import('pg');
  const name = `tessera_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: args['postgres-url'] });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  databasesToDrop.push(name);
  const url = new URL(args['postgres-url']);
  url.pathname = `/${name}`;
  return { url: url.toString(), users };
}

async function dropDatabases() {
  if (databasesToDrop.length === 0) return;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: args['postgres-url'] });
  await admin.connect();
  try {
    for (const name of databasesToDrop.splice(0)) await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

async function seeded(dialect, label, users, secretKey) {
  log(`seeding ${dialect} (${label}): ${users.toLocaleString('en')} users and tokens, ${settings.products} products`);
  const database = await createDatabase(dialect, label, users);
  const result = await seed({
    dialect,
    path: database.path,
    url: database.url,
    users,
    products: settings.products,
    secretKey,
    sampleSize: settings.sampleSize,
    log,
  });
  return { ...database, sample: { ...result.sample, password: result.password } };
}

// ---------------------------------------------------------------------------------------
// Output

function fmt(value, digits = 0) {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pad(text, width, right = false) {
  return right ? String(text).padStart(width) : String(text).padEnd(width);
}

function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
}

function printTable(title, tableRows) {
  const header = [pad('scenario', 42), pad('server', 18), pad('req/s', 9, true), pad('p50 ms', 7, true), pad('p99 ms', 7, true), pad('RSS MB', 7, true), pad('priv MB', 7, true), '  ratio'];
  const lines = [title, header.join(' '), '-'.repeat(header.join(' ').length + 20)];
  for (const row of tableRows) {
    lines.push([
      pad(row.title, 42),
      pad(row.serverLabel, 18),
      pad(fmt(row.rps), 9, true),
      pad(fmt(row.p50, 2), 7, true),
      pad(fmt(row.p99, 2), 7, true),
      pad(fmt(row.peakRssMb), 7, true),
      pad(fmt(row.peakPrivateMb), 7, true),
      `  ${row.note ?? ''}`,
    ].join(' '));
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Main

async function main() {
  const started = new Date();
  if (!args['no-build'] || !existsSync(join(ROOT, 'dist/main.js'))) {
    log('building the server (tsc -p tsconfig.build.json)');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }
  const secretKey = randomBytes(32).toString('hex');
  const dialect = settings.database;
  // Tessera's memory map of the SQLite file (SQLITE_MMAP_SIZE), which the baseline copies.
  mmapMib = Number(process.env.SQLITE_MMAP_SIZE ?? (await import(join(ROOT, 'dist/config.js'))).DEFAULT_SQLITE_MMAP_MIB);

  const main = await seeded(dialect, 'main', settings.users, secretKey);
  const large = settings.largeUsers > 0 ? await seeded(dialect, 'large', settings.largeUsers, secretKey) : null;
  // On PostgreSQL, Tessera on SQLite (same rows) as well, for the PostgreSQL/SQLite ratio.
  const sqliteRef = dialect === 'postgres' ? await seeded('sqlite', 'sqlite-ref', settings.users, secretKey) : null;

  const servers = [];
  /** The servers the product detail is measured on; started anew for every restart. */
  async function startDetailServers() {
    const set = {
      tessera: await startTessera('main', main.url, secretKey),
      baseline: await startBaseline('main', main.url),
      minimalBaseline: await startBaseline('main', main.url, { minimalHeaders: true }),
      // SQLite only: the baseline reading in one transaction, as Tessera does.
      oneTransactionBaseline: dialect === 'sqlite' ? await startBaseline('main', main.url, { oneTransaction: true }) : null,
      tesseraLarge: large === null ? null : await startTessera('large', large.url, secretKey),
      baselineLarge: large === null ? null : await startBaseline('large', large.url),
      tesseraSqlite: sqliteRef === null ? null : await startTessera('sqlite-ref', sqliteRef.url, secretKey),
      compare: args.compare === undefined ? null : await startTessera('compared', main.url, secretKey, { root: resolve(args.compare) }),
    };
    servers.push(...Object.values(set).filter((server) => server !== null));
    await checkSameAnswers(set.tessera, set.baseline, main.sample);
    if (set.baselineLarge !== null) await checkSameAnswers(set.tesseraLarge, set.baselineLarge, large.sample);
    if (set.oneTransactionBaseline !== null) await checkSameAnswers(set.tessera, set.oneTransactionBaseline, main.sample);
    if (set.compare !== null) await checkSameAnswers(set.tessera, set.compare, main.sample);
    return set;
  }
  async function stopServers(set) {
    const list = Object.values(set).filter((server) => server !== null);
    await Promise.all(list.map((server) => server.stop()));
    for (const server of list) servers.splice(servers.indexOf(server), 1);
  }

  try {
    let detailServers = await startDetailServers();
    log(`servers up: ${servers.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
    log('the baselines answer as Tessera does (status, headers, body)');
    log(PIN === null ? 'no CPU pinning (taskset or a second CPU missing)' : `server on CPU ${PIN.server}, load generator on CPU ${PIN.load}`);

    const results = {};
    const mainSet = `${fmt(settings.users)} users`;
    const largeSet = `${fmt(settings.largeUsers)} users`;
    // The servers compared take turns within each scenario (rounds), so each ratio holds
    // on a noisy machine. Product detail is measured again on freshly started servers
    // (--restarts): one process of the same code can run 10% faster or slower than the
    // next (JIT and memory layout), which interleaving alone does not even out.
    // Each entry is named by its server's key in `set` (its role); servers a run does not
    // start (null) have no entry.
    const detailEntries = (set) => [
      { role: 'baseline', sample: main.sample, kind: 'baseline', dataset: mainSet },
      { role: 'tessera', sample: main.sample, kind: 'tessera', dataset: mainSet },
      { role: 'minimalBaseline', sample: main.sample, kind: 'baseline-minimal', dataset: mainSet, label: 'detail-minimal' },
      { role: 'oneTransactionBaseline', sample: main.sample, kind: 'baseline-one-transaction', dataset: mainSet, label: 'detail-one-transaction' },
      { role: 'baselineLarge', sample: large?.sample, kind: 'baseline', dataset: largeSet, label: 'detail-large' },
      { role: 'tesseraLarge', sample: large?.sample, kind: 'tessera', dataset: largeSet, label: 'detail-large' },
      { role: 'tesseraSqlite', sample: sqliteRef?.sample, kind: 'tessera', dataset: `${mainSet} (SQLite)`, label: 'detail-sqlite' },
      { role: 'compare', sample: main.sample, kind: 'tessera-compared', dataset: mainSet, label: 'detail-compared' },
    ].filter((entry) => set[entry.role] !== null).map((entry) => ({ ...entry, server: set[entry.role] }));
    const detailSlices = detailEntries(detailServers).map(() => []);
    for (let restart = 0; restart < settings.restarts; restart++) {
      if (restart > 0) {
        await stopServers(detailServers);
        detailServers = await startDetailServers();
      }
      const entries = detailEntries(detailServers);
      log(`- ${SCENARIOS.detail.title.replace(/\s+/g, ' ')}: ${entries.map((entry) => entry.server.name).join(' / ')}, ${settings.rounds} rounds, start ${restart + 1} of ${settings.restarts}`);
      await measureRounds('detail', entries, detailSlices);
    }
    const { tessera, baseline } = detailServers;
    const finalEntries = detailEntries(detailServers);
    const detailRows = rowsFromSlices('detail', finalEntries, detailSlices);
    const detailRow = Object.fromEntries(finalEntries.map((entry, index) => [entry.role, detailRows[index]]));
    const detail = detailRow.tessera;
    detail.ratio = pairedRatio(detail, detailRow.baseline);
    detail.ratioToMinimal = pairedRatio(detail, detailRow.minimalBaseline);
    if (detailRow.oneTransactionBaseline !== undefined) {
      detail.ratioToOneTransaction = pairedRatio(detail, detailRow.oneTransactionBaseline);
    }
    results.detail = detail;
    if (detailRow.compare !== undefined) {
      detailRow.compare.ratio = pairedRatio(detailRow.compare, detailRow.baseline);
      detail.ratioToCompared = pairedRatio(detail, detailRow.compare);
      results.compared = detailRow.compare;
    }
    if (detailRow.tesseraLarge !== undefined) {
      const largeOwn = detailRow.tesseraLarge;
      largeOwn.ratio = pairedRatio(largeOwn, detailRow.baselineLarge);
      largeOwn.ratioToSmall = pairedRatio(largeOwn, detail);
      results.large = largeOwn;
    }
    if (detailRow.tesseraSqlite !== undefined) {
      detail.ratioToSqlite = pairedRatio(detail, detailRow.tesseraSqlite);
      results.sqlite = detailRow.tesseraSqlite;
    }
    for (const key of ['list', 'invalid'].filter((name) => chosen.has(name))) {
      const [base, own, compared] = await runInterleaved(key, [
        { server: baseline, sample: main.sample, kind: 'baseline', dataset: mainSet },
        { server: tessera, sample: main.sample, kind: 'tessera', dataset: mainSet },
        ...(detailServers.compare === null ? [] : [{ server: detailServers.compare, sample: main.sample, kind: 'tessera-compared', dataset: mainSet, label: `${key}-compared` }]),
      ]);
      own.ratio = pairedRatio(own, base);
      if (compared !== undefined) {
        compared.ratio = pairedRatio(compared, base);
        own.ratioToCompared = pairedRatio(own, compared);
      }
      results[key] = own;
    }
    if (chosen.has('create')) results.create = await runScenario('create', tessera, main.sample, { kind: 'tessera', dataset: mainSet });
    if (chosen.has('login')) {
      // Logins hash on the thread pool, on every core (as in production): unpinned.
      setAffinity(tessera.pid, null);
      results.login = await runScenario('login', tessera, main.sample, { kind: 'tessera', dataset: mainSet });
      if (PIN !== null) setAffinity(tessera.pid, PIN.server);
    }
    if (chosen.has('storm')) results.storm = await runStorm(tessera, main.sample, mainSet);
    if (chosen.has('workers')) Object.assign(results, await runWorkers(main, secretKey, mainSet, servers));

    // ---- report
    const label = (row) => {
      if (row.server === 'baseline-minimal') return 'baseline, 2 headers';
      if (row.server === 'baseline-one-transaction') return 'baseline, 1 txn';
      if (row.server === 'tessera-compared') return 'Tessera, compared';
      if (row.server === 'tessera-workers-1') return 'WORKERS=1, unpinned';
      if (row.server === 'tessera-workers-2') return 'WORKERS=2, unpinned';
      const name = row.server === 'baseline' ? 'baseline' : 'Tessera';
      if (row.dataset === mainSet) return name;
      if (row.dataset.endsWith('(SQLite)')) return `${name} on SQLite`;
      return `${name} @${row.dataset.replace(' users', '')}`;
    };
    const shown = rows.map((row) => {
      let note = '';
      if (row.ratio !== undefined) note = `${row.ratio.toFixed(2)} of baseline`;
      if (row.ratioToMinimal !== undefined) note += `; ${row.ratioToMinimal.toFixed(2)} of the 2-header one`;
      if (row.ratioToOneTransaction !== undefined) note += `; ${row.ratioToOneTransaction.toFixed(2)} of the 1-txn one`;
      if (row.ratioToSmall !== undefined) note += `; ${row.ratioToSmall.toFixed(2)} of ${fmt(settings.users)} users`;
      if (row.ratioToSqlite !== undefined) note += `; ${row.ratioToSqlite.toFixed(2)} of SQLite`;
      if (row.ratioToCompared !== undefined) note += `; ${row.ratioToCompared.toFixed(2)} of the compared build`;
      if (row.ratioToOneWorker !== undefined) note += `${note ? '; ' : ''}${row.ratioToOneWorker.toFixed(2)} of WORKERS=1`;
      if (row.scenario === 'workers-1' || row.scenario === 'workers-2') note += `${note ? '; ' : ''}server and load generator on all cores`;
      if (row.scenario === 'login' || row.scenario === 'storm') note += `${note ? '; ' : ''}all cores`;
      if (row.scenario === 'storm') note += `; ${row.loginRps.toFixed(1)} logins/s, login p99 ${fmt(row.loginP99)} ms`;
      return { ...row, serverLabel: label(row), note };
    });
    const title = `Tessera benchmark: ${dialect}, ${fmt(settings.users)} users and tokens, ${settings.products} products; `
      + `${settings.connections} connections, ${settings.duration} s per scenario and server after ${settings.warmup} s warm-up`
      + `${settings.rounds > 1 ? `, compared servers interleaved in ${settings.rounds} rounds (ratios: median of per-round ratios)` : ''}`
      + `${settings.restarts > 1 ? `; product detail on ${settings.restarts} fresh starts of the servers` : ''}\n`
      + `${machine()}; ${PIN === null ? 'not pinned' : `server on CPU ${PIN.server}, load generator on CPU ${PIN.load}`}`
      + `${dialect === 'sqlite' ? `; SQLite mmap_size ${fmt(mmapMib)} MiB` : ''}; ${started.toISOString()}`;
    const table = printTable(title, shown);

    const targets = [];
    const check = (text, ok) => targets.push(`${ok ? 'met    ' : 'MISSED '} ${text}`);
    const gets = rows.filter((row) => row.server === 'tessera' && ['detail', 'list', 'invalid', 'create', 'detail-large', 'detail-sqlite'].includes(row.scenario));
    const peakGets = Math.max(...gets.map((row) => row.peakRssMb));
    const peakPrivateGets = Math.max(...gets.map((row) => row.peakPrivateMb));
    if (dialect === 'sqlite') check(`product detail ${results.detail.ratio.toFixed(2)} of the baseline (target >= 0.90)`, results.detail.ratio >= 0.9);
    else targets.push(`info    product detail on PostgreSQL: ${results.detail.ratio.toFixed(2)} of the bare pg baseline, ${results.detail.ratioToSqlite.toFixed(2)} of Tessera on SQLite`);
    targets.push(`info    product detail ${results.detail.ratioToMinimal.toFixed(2)} of a baseline that sends only Content-Type and Content-Length (not DRF's answer)`);
    if (results.detail.ratioToOneTransaction !== undefined) {
      targets.push(`info    product detail ${results.detail.ratioToOneTransaction.toFixed(2)} of a baseline that reads in one transaction, as Tessera does`);
    }
    if (results.large !== undefined) check(`${fmt(settings.largeUsers)} tokens: ${results.large.ratioToSmall.toFixed(2)} of the throughput with ${fmt(settings.users)} (target >= 0.90)`, results.large.ratioToSmall >= 0.9);
    if (results.workersTwo !== undefined) {
      targets.push(`info    WORKERS=2 serves ${results.workersTwo.ratioToOneWorker.toFixed(2)} of WORKERS=1's product detail throughput (${cpus().length} CPUs shared with the load generator)`);
    }
    if (results.storm !== undefined) check(`GET p99 during the login storm ${results.storm.p99.toFixed(2)} ms (target < 20 ms)`, results.storm.p99 < 20);
    check(`peak private memory ${fmt(peakPrivateGets)} MB under GET/POST load (target < 150 MB; RssAnon)`, peakPrivateGets < 150);
    targets.push(`info    peak RSS ${fmt(peakGets)} MB under GET/POST load (with the mapped pages of Node's binary and of the database file)`);
    if (results.login !== undefined) targets.push(`info    peak RSS ${fmt(results.login.peakRssMb)} MB during logins (argon2id m=100 MiB per hash in flight)`);
    targets.push(`info    Tessera log lines written during the run: ${tessera.logLines()} (no line per request)`);

    const output = `${table}\n\nTargets:\n${targets.map((line) => `  ${line}`).join('\n')}\n`;
    process.stdout.write(`\n${output}`);

    const jsonFile = args.json ?? join(HERE, 'results', `${started.toISOString().replace(/[:.]/g, '-')}-${dialect}.json`);
    mkdirSync(join(jsonFile, '..'), { recursive: true });
    writeFileSync(jsonFile, JSON.stringify({ started, machine: machine(), settings, pinned: PIN, rows, table: output }, null, 2));
    log(`results written to ${jsonFile}`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  await dropDatabases().catch((error) => log(`could not drop the benchmark databases: ${error.message}`));
  if (process.env.BENCH_KEEP === undefined) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}

process.once('SIGINT', () => {
  cleanup().finally(() => process.exit(130));
});

try {
  await main();
  await cleanup();
} catch (error) {
  log(`benchmark failed: ${error.stack ?? error}`);
  await cleanup();
  process.exitCode = 1;
}
