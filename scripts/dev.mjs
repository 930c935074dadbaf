#!/usr/bin/env node
// `npm run dev`: the API on :8000 (restarted on change by tsx) and the Vite dev server on
// :5173, whose client calls the API across origins (CORS) at VITE_API_BASE_URL.
import { spawn } from 'node:child_process';

const apiPort = process.env.PORT ?? '8000';
const apiBase = process.env.VITE_API_BASE_URL ?? `http://127.0.0.1:${apiPort}`;
const children = [
  spawn('node_modules/.bin/tsx', ['watch', '--clear-screen=false', 'src/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: apiPort, WEB_ROOT: process.env.WEB_ROOT ?? '' },
  }),
  spawn('node_modules/.bin/vite', [], { stdio: 'inherit', env: { ...process.env, VITE_API_BASE_URL: apiBase } }),
];

function stop(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
