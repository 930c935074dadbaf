/**
 * The web client's API types (web/src/api/schema.d.ts) are what the server's OpenAPI
 * document gives today: `scripts/api-types.mjs --check` regenerates them from the built
 * server's /api/docs/json with openapi-typescript and compares. When a server change
 * alters the document, this fails until `npm run api-types` is run and the file
 * committed (and `npm test`'s pretest then type-checks web/ against the new types).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers/build.js';
import { ROOT } from './helpers/paths.js';
import { TARGET } from './helpers/target.js';

const run = promisify(execFile);

describe.skipIf(TARGET === 'reference')('generated API types (tessera)', () => {
  it('web/src/api/schema.d.ts is current with the server', async () => {
    ensureBuilt();
    const { stdout } = await run(process.execPath, ['scripts/api-types.mjs', '--check'], { cwd: ROOT });
    expect(stdout).toContain('is current');
  });
});
