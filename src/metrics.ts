// Prometheus metrics (prom-client), off unless METRICS_PORT is set, and then served on that
// port alone (METRICS_HOST, default 127.0.0.1), never on the API's: what they tell (routes,
// login outcomes, pool use) is for the operator, not for every client.
//
//   tessera_http_requests_total{method,route,status}        counter
//   tessera_http_request_duration_seconds{method,route,status}  histogram, from Tessera's
//                                                           first hook to the body handed to Node
//   tessera_logins_total{outcome}                           success | failure | throttled
//   tessera_database_errors_total                           errors from the database driver
//   tessera_db_pool_connections{state}                      PostgreSQL: total | idle | waiting
//   nodejs_* and process_*                                  prom-client's defaults, event-loop lag included
//
// With WORKERS=N the primary process serves the sum over its workers (prom-client's
// AggregatorRegistry asks each worker over the cluster's IPC channel).
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuthEvents } from './auth/events.js';
import { databaseUnavailable, type Db } from './db/connect.js';

export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  readonly databaseErrors: Counter;
  /** AuthEvents that also count logins by outcome. */
  countLogins(events: AuthEvents): AuthEvents;
}

const LOGIN_OUTCOMES: Record<string, string> = { login: 'success', login_failed: 'failure', login_throttled: 'throttled' };

/** An error from the database: one that means it cannot answer now (db/connect.ts), or a driver's own. */
function isDatabaseError(error: unknown): boolean {
  if (databaseUnavailable(error)) return true;
  const failure = error as { name?: unknown; code?: unknown; severity?: unknown } | null;
  if (failure === null || typeof failure !== 'object') return false;
  // better-sqlite3's SqliteError; pg's DatabaseError carries a severity and a SQLSTATE.
  return failure.name === 'SqliteError' || (typeof failure.severity === 'string' && typeof failure.code === 'string');
}

export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'tessera_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'Time from the first hook to the response body handed to Node',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const logins = new Counter({ name: 'tessera_logins_total', help: 'Logins by outcome', labelNames: ['outcome'], registers: [registry] });
  const databaseErrors = new Counter({ name: 'tessera_database_errors_total', help: 'Errors raised by the database driver', registers: [registry] });
  if (db.poolStats !== undefined) {
    const stats = db.poolStats.bind(db);
    new Gauge({
      name: 'tessera_db_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const { total, idle, waiting } = stats();
        this.set({ state: 'total' }, total);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
      },
    });
  }
  for (const outcome of Object.values(LOGIN_OUTCOMES)) logins.inc({ outcome }, 0);
  databaseErrors.inc(0);

  return {
    registry,
    requests,
    duration,
    databaseErrors,
    countLogins(events) {
      return {
        record(request, event) {
          const outcome = LOGIN_OUTCOMES[event.action];
          if (outcome !== undefined) logins.inc({ outcome });
          return events.record(request, event);
        },
      };
    },
  };
}

/** Counts and times every response; only registered when metrics are on (no cost otherwise). */
export const metricsPlugin = fp<{ metrics: Metrics }>(
  async function metricsHooksPlugin(app: FastifyInstance, options) {
    const { requests, duration, databaseErrors } = options.metrics;
    app.addHook('onResponse', function countResponse(request, reply, done) {
      const labels = { method: request.method, route: request.routeOptions.url ?? '(unmatched)', status: String(reply.statusCode) };
      requests.inc(labels);
      if (request.receivedAt > 0) duration.observe(labels, (performance.now() - request.receivedAt) / 1000);
      done();
    });
    app.addHook('onError', function countDatabaseError(_request, _reply, error, done) {
      if (isDatabaseError(error)) databaseErrors.inc();
      done();
    });
  },
  { name: 'tessera-metrics' },
);

/** The metrics endpoint on its own port: GET /metrics, 404 for anything else. */
export async function startMetricsServer(host: string, port: number, render: () => Promise<{ contentType: string; body: string }>): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    render().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** One process's metrics, as the metrics server renders them. */
export function renderRegistry(registry: Registry): () => Promise<{ contentType: string; body: string }> {
  return async () => ({ contentType: registry.contentType, body: await registry.metrics() });
}

/** The primary's view with WORKERS=N: every worker's metrics, summed (gauges too, by prom-client's rules). */
export function renderClusterMetrics(): () => Promise<{ contentType: string; body: string }> {
  const aggregator = new AggregatorRegistry();
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
}

/** In a worker: answer the primary's requests for metrics with this registry. */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
}

// prom-client installs a worker's IPC listener only when an AggregatorRegistry is made:
// make one as the worker loads, so that a scrape while it boots gets an (empty) answer
// from it instead of timing out.
if (cluster.isWorker) new AggregatorRegistry();
