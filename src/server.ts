// The server process: configuration, database, migrations, the check that the project's
// declarations match its tables, buildApp, listen, and a graceful close on SIGINT/SIGTERM
// (in-flight requests finish, then the database closes). `npm start` is serve() with no
// project; a project's main is serve(project).
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from './app.js';
import { accountThrottleLimits } from './accounts/throttle.js';
import { clusterThrottle, serveThrottleToWorkers, type SharedThrottleName } from './auth/cluster-throttle.js';
import { memoryLoginThrottle, sharedLoginThrottle, type LoginThrottle, type ThrottleLimits, type ThrottleSubject } from './auth/throttle.js';
import { isClusterWorker, runPrimary } from './cluster.js';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.js';
import { DatabaseUnavailableError, openDatabase, type Db } from './db/connect.js';
import { createMigrator, migrateToLatest } from './db/migrate.js';
import type { ReadinessCheck } from './http/health.js';
import { createMetrics, renderRegistry, shareWithPrimary, startMetricsServer } from './metrics.js';
import { schemaProblems } from './generics/schema-check.js';
import type { Project } from './project.js';

async function start(project: Project): Promise<void> {
  loadDotEnv();
  const env = { ...process.env };
  // The built client sits beside this file (dist/web), wherever the server is started from.
  if (env.WEB_ROOT === undefined) env.WEB_ROOT = fileURLToPath(new URL('./web', import.meta.url));
  const config = loadConfig(env);

  // Logs go through a buffered, asynchronous destination: no write(2) per log line.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = pino({ level: config.logLevel }, destination);

  // Migrations run with no statement timeout (an index on a large table may take long),
  // on a connection of their own; requests get the timeouts (db/connect.ts).
  const migrationDb = openDatabase(config.database, { timeouts: { connectMs: config.databaseTimeouts.connectMs, statementMs: 0 } });
  let applied: string[];
  try {
    applied = await migrateToLatest(migrationDb.kysely, project.migrations);
  } finally {
    await migrationDb.close();
  }
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  const db = openDatabase(config.database, { timeouts: config.databaseTimeouts, mmapBytes: config.sqliteMmapBytes });
  const problems = await schemaProblems(db, project.routers ?? []);
  if (problems.length > 0) {
    await db.close();
    throw new StartError(`The database does not match the resource declarations; write a migration for:\n  ${problems.join('\n  ')}`);
  }

  const limits = {
    perUsername: config.loginFailuresAllowed,
    perAddress: config.loginFailuresAllowed * 10,
    windowSeconds: config.loginThrottleWindowSeconds,
  };
  const accountLimits = accountThrottleLimits(config.accounts);
  if (config.workers > 1 && !isClusterWorker()) {
    // The primary has migrated; the workers serve.
    await db.close();
    // Without Redis, the workers share the throttles through the primary.
    if (config.redisUrl === null) {
      serveThrottleToWorkers('login', limits);
      serveThrottleToWorkers('accounts', accountLimits);
    }
    await runPrimary(config, logger, (port) => announce(config, port, `${config.workers} workers`));
    return;
  }

  /** A throttle's counters where every process of the deployment counts: Redis, the primary, or this process. */
  function sharedCounters(name: SharedThrottleName, throttleLimits: ThrottleLimits, subject?: ThrottleSubject): LoginThrottle {
    if (config.redisUrl !== null) return sharedLoginThrottle(config.redisUrl, throttleLimits, { log: logger, subject, prefix: `tessera:${name}:` });
    return isClusterWorker() ? clusterThrottle(name, throttleLimits) : memoryLoginThrottle(throttleLimits);
  }
  const throttle = sharedCounters('login', limits);
  const accountThrottle = sharedCounters('accounts', accountLimits, { name: 'account e-mail throttle', counts: 'sign-ups and e-mail requests' });

  const metrics = config.metrics === null ? undefined : createMetrics(db);
  const readinessChecks: Record<string, ReadinessCheck> = { migrations: () => migrationsApplied(db, project) };
  if (config.redisUrl !== null) readinessChecks.redis = redisCheck(config.redisUrl);
  const app = await buildApp({ config, db, logger, throttle, accountThrottle, routers: project.routers, metrics, readinessChecks });
  if (metrics !== undefined) {
    if (isClusterWorker()) shareWithPrimary(metrics.registry);
    else await startMetricsServer(config.metrics!.host, config.metrics!.port, renderRegistry(metrics.registry));
  }

  let closing = false;
  async function shutdown(signal: string): Promise<void> {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await db.close();
    } finally {
      destination.flushSync();
      process.exit(0);
    }
  }
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  // A worker's listen is announced by the primary, once for all of them.
  if (!isClusterWorker()) announce(config, typeof address === 'object' && address !== null ? address.port : config.port, 'one process');
}

function announce(config: Config, port: number, processes: string): void {
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  // Printed plainly (not only as a log line) so a person and a test harness both see it.
  process.stdout.write(`Tessera is serving on http://${shownHost}:${port}/ (database: ${config.database.dialect}, ${processes})\n`);
}

/** /readyz: Redis answers a PING (a client of its own, failing fast while Redis is away). */
function redisCheck(url: string): ReadinessCheck {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1000, connectTimeout: 1000 });
  redis.on('error', () => {});
  return async () => {
    if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
    return redis.ping();
  };
}

/** /readyz: every migration (Tessera's and the project's) has been applied. */
async function migrationsApplied(db: Db, project: Project): Promise<void> {
  const migrations = await (await createMigrator(db.kysely, project.migrations)).getMigrations();
  const pending = migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
  if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
}

/** A start that cannot go on, said in a sentence. */
class StartError extends Error {}

/** Serves Tessera (and the project's resources) until SIGINT or SIGTERM; exits the process on a failed start. */
export function serve(project: Project = {}): Promise<void> {
  return start(project).catch(failedStart);
}

function failedStart(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  const where = (error as { address?: string; port?: number; syscall?: string } | null);
  if (error instanceof ConfigError || error instanceof StartError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof DatabaseUnavailableError) {
    process.stderr.write(`Tessera cannot start: ${error.message}\n`);
  } else if (where?.syscall === 'listen' && (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')) {
    // The usual ways a start fails on a developer's machine, said plainly.
    const problem = code === 'EADDRINUSE'
      ? 'another program is using that port'
      : code === 'EACCES' ? 'this user may not use that port' : 'that address is not one of this machine';
    process.stderr.write(`Tessera cannot listen on ${where?.address ?? 'HOST'}:${where?.port ?? 'PORT'}: ${problem}. Stop it, or choose another with HOST and PORT.\n`);
  } else {
    process.stderr.write(`Tessera failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  }
  process.exit(1);
}
