// The server process: configuration, database, migrations, the check that the project's
// declarations match its tables, buildApp, listen, and a graceful close on SIGINT/SIGTERM
// (in-flight requests finish, then the database closes). `npm start` is serve() with no
// project; a project's main is serve(project).
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from './app.js';
import { memoryLoginThrottle, redisLoginThrottle } from './auth/throttle.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { openDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
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

  const db = openDatabase(config.database);
  const applied = await migrateToLatest(db.kysely, project.migrations);
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
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
  const throttle = config.redisUrl === null
    ? memoryLoginThrottle(limits)
    : redisLoginThrottle(new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }), limits);

  const app = await buildApp({ config, db, logger, throttle, routers: project.routers });

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
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  // Printed plainly (not only as a log line) so a person and a test harness both see it.
  process.stdout.write(`Tessera is serving on http://${shownHost}:${port}/ (database: ${config.database.dialect})\n`);
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
