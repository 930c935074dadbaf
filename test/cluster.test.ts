// WORKERS=2: two real server processes on one port, on each database. A worker killed
// mid-write is replaced and loses no acknowledged write; concurrent writes from both
// workers never surface SQLITE_BUSY; SIGTERM drains them all; metrics are summed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/database.js';
import { freePort, PROJECT_ROOT, startServer, type RunningServer } from './helpers/server.js';

const run = promisify(execFile);

async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter((line) => line !== '').map(Number).sort();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function tokenFor(server: RunningServer, username: string): Promise<string> {
  const env = { ...process.env, DATABASE_URL: server.env.DATABASE_URL, SECRET_KEY: server.env.SECRET_KEY };
  await run(process.execPath, ['bin/tessera.js', 'user', 'set', username, '--password', 'worker-test-pass'], { cwd: PROJECT_ROOT, env });
  const { stdout } = await run(process.execPath, ['bin/tessera.js', 'token', 'create', username], { cwd: PROJECT_ROOT, env });
  return /Generated token ([0-9a-f]{40})/.exec(stdout)![1]!;
}

describe.each(DIALECTS)('WORKERS=2 on %s', (dialect) => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves from two processes, replaces a worker killed mid-write without losing an acknowledged write, and drains on SIGTERM', async () => {
    const metricsPort = await freePort();
    server = await startServer(dialect, { WORKERS: '2', METRICS_PORT: String(metricsPort) });
    const { baseUrl } = server;
    expect(server.output()).toContain('2 workers');
    const workers = await waitFor('two workers', async () => {
      const children = await childrenOf(server!.pid);
      return children.length === 2 ? children : undefined;
    });
    const token = await tokenFor(server, 'writer');
    const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };

    // Writes from both workers at once: every one is acknowledged (no SQLITE_BUSY).
    const burst = await Promise.all(Array.from({ length: 60 }, (_, index) =>
      fetch(`${baseUrl}/api/products/`, { method: 'POST', headers, body: JSON.stringify({ name: `burst ${index}`, price: '1.00' }) })));
    expect(burst.map((response) => response.status)).toEqual(Array(60).fill(201));

    // The primary serves the sum of its workers' metrics on its own port (a worker's
    // counts end with it: Prometheus reads that as a counter reset).
    const metrics = await waitFor('the summed metrics', async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      return response.status === 200 ? response.text() : undefined;
    });
    const created = metrics.split('\n').find((line) =>
      line.startsWith('tessera_http_requests_total{') && line.includes('method="POST"') && line.includes('route="/api/products/"') && line.includes('status="201"'));
    expect(Number(created?.split(' ').at(-1)), metrics.slice(0, 2000)).toBeGreaterThanOrEqual(60);
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);

    // A worker killed while writes go on: the acknowledged ones are all kept.
    const acknowledged: number[] = [];
    let writing = true;
    const writer = (async () => {
      for (let index = 0; writing; index++) {
        try {
          const response = await fetch(`${baseUrl}/api/products/`, { method: 'POST', headers, body: JSON.stringify({ name: `kill ${index}`, price: '2.00' }) });
          if (response.status === 201) acknowledged.push(((await response.json()) as { id: number }).id);
        } catch {
          // The connection the killed worker held: not acknowledged, so not counted.
        }
      }
    })();
    await waitFor('some writes', async () => (acknowledged.length >= 10 ? true : undefined));
    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await waitFor('a new worker', async () => {
      const children = await childrenOf(server!.pid);
      return children.length === 2 && !children.includes(workers[0]!) ? children : undefined;
    });
    expect(replaced).toContain(workers[1]);
    const before = acknowledged.length;
    await waitFor('writes after the restart', async () => (acknowledged.length >= before + 10 ? true : undefined));
    writing = false;
    await writer;
    const listed = (await (await fetch(`${baseUrl}/api/products/`, { headers })).json()) as Array<{ id: number }>;
    const kept = new Set(listed.map((product) => product.id));
    expect(acknowledged.filter((id) => !kept.has(id))).toEqual([]);

    // SIGTERM: every worker drains and exits, then the primary.
    const exited = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        try {
          process.kill(server!.pid, 0);
        } catch {
          clearInterval(timer);
          resolve();
        }
      }, 100);
    });
    process.kill(server.pid, 'SIGTERM');
    await exited;
    for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
  }, 180_000);

  it('shares the login throttle between the workers without Redis', async () => {
    server = await startServer(dialect, { WORKERS: '2', LOGIN_FAILURES_ALLOWED: '5' });
    await tokenFor(server, 'guessed');
    // A new connection each (round robin hands them to both workers), all at once.
    const answers = await Promise.all(Array.from({ length: 30 }, () =>
      fetch(`${server!.baseUrl}/api/token-auth/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ username: 'guessed', password: 'wrong' }),
      }).then((response) => response.status)));
    expect(answers.filter((status) => status === 400)).toHaveLength(5);
    expect(answers.filter((status) => status === 429)).toHaveLength(25);
  }, 180_000);

  it("shares the accounts' e-mail throttle between the workers without Redis", async () => {
    server = await startServer(dialect, { WORKERS: '2', ACCOUNT_REQUESTS_ALLOWED: '3' });
    const answers = await Promise.all(Array.from({ length: 12 }, () =>
      fetch(`${server!.baseUrl}/auth/users/reset_password/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ email: 'someone@example.com' }),
      }).then((response) => response.status)));
    // Counted per worker, each of the two would have sent 3.
    expect(answers.filter((status) => status === 204)).toHaveLength(3);
    expect(answers.filter((status) => status === 429)).toHaveLength(9);
  }, 180_000);
});
