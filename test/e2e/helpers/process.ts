import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the first stdout line matching `pattern`; rejects with everything the
 * process printed if it exits first or `timeoutMs` passes.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}.`)), timeoutMs);

    function onStdout(chunk: Buffer): void {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) finish(null, line);
    }
    function onStderr(chunk: Buffer): void {
      stderr += chunk.toString('utf8');
    }
    function onExit(code: number | null, signal: NodeJS.Signals | null): void {
      finish(new Error(`The process exited (${code ?? signal}) before printing ${pattern}.`));
    }
    function finish(error: Error | null, line?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
      if (error) {
        error.message += `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
        reject(error);
      } else {
        resolve(line as string);
      }
    }

    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
