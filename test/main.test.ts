// `npm start`'s entry point (dist/main.js) when it cannot start: one plain sentence and
// exit status 1, never a stack trace for the everyday cases.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/server.js';

const run = promisify(execFile);

describe('starting the server', () => {
  let dir: string;
  let busy: Server;
  let port: number;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-main-'));
    busy = createServer();
    port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
  });
  afterEach(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>) =>
    run(process.execPath, ['dist/main.js'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: join(dir, 'db.sqlite3'), SECRET_KEY: 'x'.repeat(40), LOG_LEVEL: 'warn', WEB_ROOT: '', ...env },
      timeout: 20_000,
    }).then(() => ({ code: 0, stderr: '' }), (error: { code: number; stderr: string }) => error);

  it('says plainly that the port is taken', async () => {
    const result = await start({ PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Tessera cannot listen on 127.0.0.1:${port}: another program is using that port. Stop it, or choose another with HOST and PORT.\n`);
  });

  it('names the bad variable in the configuration', async () => {
    const result = await start({ PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Invalid configuration: PORT must be a whole number, got "eighty"\n');
  });
});
