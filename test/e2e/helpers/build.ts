/**
 * Builds the server and the client when a build is missing or older than its sources, so
 * `npm test` on a fresh clone and after an edit tests what is in the tree, and a second
 * run does not rebuild. Server and client are compared separately: `tsc` skips writing
 * unchanged files (incremental), so a client-only edit must not make the server look stale
 * forever.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

interface BuildPart {
  outputs: string[];
  sources: string[];
}

const PARTS: BuildPart[] = [
  { outputs: ['dist/main.js', 'dist/cli/main.js'], sources: ['src', 'tsconfig.build.json'] },
  { outputs: ['dist/web/index.html'], sources: ['web', 'vite.config.ts'] },
];

export function ensureBuilt(): void {
  if (!PARTS.some(isStale)) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}

function isStale(part: BuildPart): boolean {
  const oldestOutput = Math.min(...part.outputs.map((path) => mtime(join(ROOT, path))));
  const newestSource = Math.max(...part.sources.map((path) => newestMtime(join(ROOT, path))));
  return oldestOutput < newestSource;
}

/** Modification time in ms; 0 (older than anything) when the file is missing. */
function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** The newest file under `path`; tests and docs do not count (they are not built). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$|\.md$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}
