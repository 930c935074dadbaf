#!/usr/bin/env node
// The `tessera` command (Django's manage.py). It runs the compiled CLI; `npm install` and
// `npm start` build it, `npm run build` rebuilds it after a change.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('tessera: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
await import(entry);
