// WORKERS=N: N server processes on one port (node:cluster; Linux hands connections round
// robin). The primary migrates the database before forking (so workers never race to
// migrate), serves nothing itself but the metrics endpoint (the sum over workers), replaces
// a worker that dies, and on SIGTERM or SIGINT asks every worker to drain (each finishes
// its in-flight requests, server.ts) before it exits.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { renderClusterMetrics, startMetricsServer } from './metrics.js';

/** How long a worker may take to drain before it is killed. */
const DRAIN_DEADLINE_MS = 15_000;
/** A worker that dies sooner than this after its start is crash-looping: wait before the next. */
const QUICK_DEATH_MS = 5_000;

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** Runs the primary: forks config.workers workers and looks after them until a signal. */
export async function runPrimary(config: Config, logger: Logger, announce: (port: number) => void): Promise<void> {
  const startedAt = new Map<Worker, number>();
  let quickDeaths = 0;
  let stopping = false;
  let announced = false;
  let listening = 0;
  let metricsServer: Server | undefined;

  function fork(): void {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    worker.once('listening', (address) => {
      listening++;
      if (!announced && listening >= config.workers) {
        announced = true;
        announce(address.port);
      }
    });
  }

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    const delay = quickDeaths === 0 ? 0 : Math.min(30_000, 250 * 2 ** Math.min(quickDeaths, 7));
    logger.warn({ worker: worker.process.pid, code, signal, restartInMs: delay }, 'a worker died; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });

  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: startedAt.size }, 'shutting down: draining the workers');
    const workers = [...startedAt.keys()];
    const exited = workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.isDead()) resolve();
      else worker.once('exit', () => resolve());
    }));
    for (const worker of workers) worker.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, DRAIN_DEADLINE_MS);
    await Promise.all(exited);
    clearTimeout(deadline);
    metricsServer?.close();
    logger.flush();
    process.exit(0);
  }
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  if (config.metrics !== null) metricsServer = await startMetricsServer(config.metrics.host, config.metrics.port, renderClusterMetrics());
  for (let index = 0; index < config.workers; index++) fork();
}
