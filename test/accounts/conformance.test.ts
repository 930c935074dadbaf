// ../shared/conformance's accounts suite (djoser at /auth/) against a real Tessera server
// (the compiled dist/main.js that `npm start` runs) on each database, its e-mails read
// from the server's EMAIL_OUTBOX. ACCOUNT_REQUESTS_ALLOWED is raised: the suite signs up
// and resets many accounts from one address.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/database.js';
import { PROJECT_ROOT, startServer, type RunningServer } from '../helpers/server.js';

const SUITE = process.env.CONFORMANCE_SUITE ?? new URL('../../../shared/conformance/run.mjs', import.meta.url).pathname;
const run = promisify(execFile);
if (!existsSync(SUITE)) console.warn(`conformance suite not found at ${SUITE}: skipped (set CONFORMANCE_SUITE to its run.mjs)`);

describe.runIf(existsSync(SUITE)).each(DIALECTS)('conformance suite "accounts" on %s', (dialect) => {
  let server: RunningServer;
  const outbox = mkdtempSync(join(tmpdir(), 'tessera-outbox-'));
  beforeAll(async () => {
    server = await startServer(dialect, { EMAIL_OUTBOX: outbox, ACCOUNT_REQUESTS_ALLOWED: '100000' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(outbox, { recursive: true, force: true });
  });

  it('passes every case', async () => {
    const result = await run(process.execPath, [SUITE, '--suite', 'accounts', '--only', 'all', '--base', server.baseUrl], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        OUTBOX: outbox,
        DATABASE_URL: server.env.DATABASE_URL,
        SECRET_KEY: server.env.SECRET_KEY,
        ADDUSER_CMD: 'node bin/tessera.js user set {username} --password {password} {flags}',
      },
      timeout: 600_000,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }));
    const failures = result.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
    expect(failures).toEqual([]);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  }, 600_000);
});
