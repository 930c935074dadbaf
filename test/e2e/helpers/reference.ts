/**
 * Reference mode (`E2E_TARGET=reference`): the same browser tests against the DRF
 * reference (/work/shared/reference/drf_seed, or $DRF_SEED_DIR), to show the client speaks
 * DRF's contract and not just Tessera's reading of it. The reference serves no client and
 * allows CORS only from port 5173, so the client is built with VITE_API_BASE_URL pointing
 * at the reference and served on 127.0.0.1:5173 (which must be free). Its CORS origins
 * are fixed (`corsAllowedOrigins` is ignored).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './paths.js';
import { freePort } from './ports.js';
import { stopProcess } from './process.js';
import { serveDirectory } from './static-server.js';
import type { StaticServer } from './static-server.js';
import type { StartOptions, TestServer, UserOptions } from './tessera.js';

const run = promisify(execFile);
const SEED_DIR = process.env.DRF_SEED_DIR ?? '/work/shared/reference/drf_seed';

export async function startReference(options: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-ref-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DJANGO_DB_PATH: join(dir, 'db.sqlite3'), WORKERS: '2' };
  const apiUrl = `http://127.0.0.1:${port}`;
  const child = spawn(join(SEED_DIR, 'start.sh'), [String(port)], { cwd: SEED_DIR, env, stdio: 'ignore' });
  await waitForHttp(`${apiUrl}/api/products/`, 30_000);

  let client: StaticServer | null = null;
  if (!options.withoutClient) {
    const outDir = join(dir, 'web');
    await run('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, VITE_API_BASE_URL: apiUrl },
    });
    client = await serveDirectory(outDir, { host: '127.0.0.1', port: 5173 });
  }

  return {
    appUrl: client?.origin ?? apiUrl,
    apiUrl,
    async createUser(username: string, password: string, options: UserOptions = {}): Promise<void> {
      const args = [username, password];
      if (options.staff) args.push('--staff');
      if (options.inactive) args.push('--inactive');
      await run(join(SEED_DIR, 'adduser.sh'), args, { cwd: SEED_DIR, env });
    },
    async stop(): Promise<void> {
      await client?.close();
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
