// Builds once before the suite: the CLI tests, the conformance run and the browser tests
// start the compiled server (dist/), as `npm start` does. tsc is incremental, so this is
// quick when nothing changed.
import { execFileSync } from 'node:child_process';

export default function buildOnce(): void {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
}
