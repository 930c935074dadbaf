// Installing and starting: no dependency wants a Node that package.json's engines field
// does not promise (npm's EBADENGINE warnings on Node 20), and `npm start` does not
// rebuild what is already built.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/server.js';

const run = promisify(execFile);
// npm's own range logic (semver is in node_modules through npm's tooling deps).
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string };
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
const installed = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.engines?.node !== undefined);

describe('dependencies and Node versions', () => {
  it('installs nothing that wants another Node than this one (no EBADENGINE warning)', () => {
    const unsupported = installed
      .filter(([, entry]) => !semver.satisfies(process.versions.node, entry.engines!.node!))
      .map(([path, entry]) => `${path}@${entry.version}: ${entry.engines!.node}`);
    expect(unsupported).toEqual([]);
  });

  it(`runs on the oldest Node that package.json's engines allow (${pkg.engines.node})`, () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const narrower = installed
      .filter(([, entry]) => entry.dev !== true && !semver.satisfies(oldest, entry.engines!.node!))
      .map(([path, entry]) => `${path}@${entry.version}: ${entry.engines!.node}`);
    expect(narrower).toEqual([]);
  });
});

describe('npm start', () => {
  it('rebuilds nothing when nothing changed since the build', async () => {
    const built = ['dist/.tsbuildinfo', 'dist/web/index.html'].map((path) => statSync(join(PROJECT_ROOT, path)).mtimeMs);
    const { stdout, stderr } = await run('npm', ['run', '-s', 'prestart'], { cwd: PROJECT_ROOT });
    expect(stdout + stderr).toBe('');
    expect(['dist/.tsbuildinfo', 'dist/web/index.html'].map((path) => statSync(join(PROJECT_ROOT, path)).mtimeMs)).toEqual(built);
  });
});

describe('the web build', () => {
  it("is the production build, under Vite's 500 kB chunk-size warning, though the suite builds it with NODE_ENV=test", () => {
    expect(process.env.NODE_ENV).toBe('test');
    const assets = join(PROJECT_ROOT, 'dist/web/assets');
    const chunks = readdirSync(assets).filter((name) => name.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(statSync(join(assets, chunk)).size).toBeLessThan(500 * 1000);
    }
  });
});
