// Probes for load balancers and orchestrators (docs/deployment.md):
//   GET /healthz  200 {"status": "ok"}: the process answers (liveness)
//   GET /readyz   200 {"status": "ready", "checks": {...}} when every check passes (the
//                 database answers, migrations applied, Redis when configured), else 503
//                 {"status": "unavailable", ...} with Retry-After: take it out of rotation
// Both skip Django's middleware: a load balancer asks by IP address, which ALLOWED_HOSTS
// would refuse, and the answers carry nothing but "ok" or "unavailable" per check, so
// answering any Host gives nothing away. Each check has a deadline, so a frozen database
// fails the probe instead of hanging it.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';

/** A readiness check: resolves when the dependency answers, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<unknown>;

const CHECK_DEADLINE_MS = 2000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A probe route: no Django middleware (Host check, CORS, security headers). */
    probe?: boolean;
  }
}

function withDeadline(check: ReadinessCheck): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_DEADLINE_MS);
  });
  return Promise.race([check(), deadline]).finally(() => clearTimeout(timer));
}

export function databaseCheck(db: Db): ReadinessCheck {
  return () => sql`select 1`.execute(db.kysely);
}

export async function healthRoutes(app: FastifyInstance, options: { checks: Readonly<Record<string, ReadinessCheck>> }): Promise<void> {
  app.get('/healthz', { config: { probe: true } }, async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/readyz', { config: { probe: true } }, async (_request, reply) => {
    const names = Object.keys(options.checks);
    const results = await Promise.allSettled(names.map((name) => withDeadline(options.checks[name]!)));
    const checks = Object.fromEntries(names.map((name, index) => [name, results[index]!.status === 'fulfilled' ? 'ok' : 'unavailable']));
    const ready = results.every((result) => result.status === 'fulfilled');
    reply.header('cache-control', 'no-store');
    if (!ready) reply.code(503).header('retry-after', '5');
    return reply.send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}
