/**
 * Builds the server and the client once, when the build is missing or older than its
 * sources, so `npm test` on a fresh clone and after an edit tests what is in the tree.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

const OUTPUTS = ['dist/main.js', 'dist/cli/main.js', 'dist/web/index.html'];
const SOURCES = ['src', 'web', 'package.json', 'vite.config.ts', 'tsconfig.json', 'tsconfig.build.json'];

export function ensureBuilt(): void {
  const oldestOutput = Math.min(...OUTPUTS.map((path) => mtime(join(ROOT, path))));
  const newestSource = Math.max(...SOURCES.map((path) => newestMtime(join(ROOT, path))));
  if (oldestOutput >= newestSource) return;

  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (result.status !== 0) {
    throw new Error(
      `npm run build failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

/** Modification time in ms; 0 (older than anything) when the file is missing. */
function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}
