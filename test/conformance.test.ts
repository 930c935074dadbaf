// ../shared/conformance, the DRF wire contract over HTTP, against a real Tessera server
// (the compiled dist/main.js that `npm start` runs) on each database.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/database.js';
import { PROJECT_ROOT, startServer, type RunningServer } from './helpers/server.js';

// Beside the project (../shared), or wherever CONFORMANCE_SUITE points.
const SUITE = process.env.CONFORMANCE_SUITE ?? new URL('../../shared/conformance/run.mjs', import.meta.url).pathname;
const run = promisify(execFile);
if (!existsSync(SUITE)) {
  console.warn(`conformance suite not found at ${SUITE}: skipped (set CONFORMANCE_SUITE to its run.mjs)`);
}

async function runSuite(server: RunningServer, suite: string): Promise<string> {
  const result = await run(process.execPath, [SUITE, '--base', server.baseUrl, '--suite', suite], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: server.env.DATABASE_URL,
      SECRET_KEY: server.env.SECRET_KEY,
      ADDUSER_CMD: 'node bin/tessera.js user set {username} --password {password} --reset-flags {flags}',
    },
    timeout: 600_000,
  }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }));
  return result.stdout;
}

function expectAllPassed(output: string): void {
  expect(output.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([]);
  expect(output).toMatch(/^\d+ passed, 0 failed$/m);
}

describe.runIf(existsSync(SUITE)).each(DIALECTS)('conformance suite on %s', (dialect) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(dialect);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('passes every case', async () => {
    expectAllPassed(await runSuite(server, 'core'));
  }, 600_000);
});

// JWT_AUTH=true: SimpleJWT's suite, and the core suite unchanged beside it.
describe.runIf(existsSync(SUITE)).each(DIALECTS)('conformance suites with JWT on %s', (dialect) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(dialect, { JWT_AUTH: 'true' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('passes every case of the jwt suite', async () => {
    expectAllPassed(await runSuite(server, 'jwt'));
  }, 600_000);

  it('passes every case of the core suite', async () => {
    expectAllPassed(await runSuite(server, 'core'));
  }, 600_000);
});
