#!/usr/bin/env node
// `npm start`'s build step. `npm install` already built everything (the `prepare` script);
// this rebuilds only a part whose sources are newer than what was built from them: the
// server (tsc, which rewrites dist/.tsbuildinfo on every build) or the web client (vite,
// which rewrites dist/web/index.html). Nothing changed: it costs a few file stats.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time under the given files and folders (node_modules skipped). */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else {
      latest = Math.max(latest, stat.mtimeMs);
    }
  };
  for (const path of paths) visit(join(root, path));
  return latest;
}

function builtAt(path) {
  return statSync(join(root, path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

const parts = [
  { script: 'build:server', built: 'dist/.tsbuildinfo', sources: ['src', 'tsconfig.json', 'tsconfig.build.json'] },
  { script: 'build:web', built: 'dist/web/index.html', sources: ['web', 'vite.config.ts'] },
];

// An installed package has no sources to build from: dist/ is what it runs.
if (existsSync(join(root, 'src'))) {
  for (const part of parts) {
    if (newest(part.sources) > builtAt(part.built)) {
      process.stderr.write(`Sources changed since the last build: npm run ${part.script}\n`);
      execFileSync('npm', ['run', '-s', part.script], { cwd: root, stdio: 'inherit' });
    }
  }
}
