// The conformance test runs the compiled server and CLI (dist/), as `npm start` does.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: new URL('..', import.meta.url).pathname, stdio: 'inherit' });
}
