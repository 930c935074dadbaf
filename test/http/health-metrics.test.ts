// /healthz and /readyz (any Host, a deadline per check), and the Prometheus metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createMetrics } from '../../src/metrics.js';
import type { FastifyInstance } from 'fastify';
import { createTestApp, TEST_PASSWORD, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';

describe.each(DIALECTS)('probes on %s', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers /healthz and /readyz for any Host, and no /metrics on the API port', async () => {
    t = await createTestApp(dialect);
    const health = await t.inject({ method: 'GET', url: '/healthz', headers: { host: '10.1.2.3:8000' } });
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await t.inject({ method: 'GET', url: '/readyz', headers: { host: '10.1.2.3:8000' } });
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready', checks: { database: 'ok' } }]);
    // Any other path still gets Django's Host check.
    expect((await t.inject({ method: 'GET', url: '/api/products/', headers: { host: '10.1.2.3:8000' } })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('fails /readyz with 503 when the database is gone, and when a check hangs past its deadline', async () => {
    const database = await createTestDatabase(dialect);
    const app = await buildApp({
      config: testConfig({ database: database.config }),
      db: database.db,
      readinessChecks: { redis: () => new Promise(() => {}) },
    });
    try {
      const hung = await app.inject({ method: 'GET', url: '/readyz' });
      expect([hung.statusCode, hung.json(), hung.headers['retry-after']]).toEqual([503, { status: 'unavailable', checks: { database: 'ok', redis: 'unavailable' } }, '5']);
      await database.db.close();
      const gone = await app.inject({ method: 'GET', url: '/readyz' });
      expect(gone.json().checks.database).toBe('unavailable');
    } finally {
      await app.close();
      await database.drop().catch(() => {});
    }
  }, 30_000);
});

describe('metrics', () => {
  let app: FastifyInstance | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await app?.close();
    await database?.drop();
  });

  it('counts requests by route and status, and logins by outcome', async () => {
    database = await createTestDatabase('sqlite');
    const metrics = createMetrics(database.db);
    app = await buildApp({ config: testConfig({ database: database.config }), db: database.db, metrics });
    await app.inject({ method: 'GET', url: '/api/products/' });
    await app.inject({ method: 'GET', url: '/api/products/' });
    await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'nobody', password: TEST_PASSWORD } });
    const text = await metrics.registry.metrics();
    expect(text).toContain('tessera_http_requests_total{method="GET",route="/api/products/",status="401"} 2');
    expect(text).toContain('tessera_logins_total{outcome="failure"} 1');
    expect(text).toContain('tessera_logins_total{outcome="success"} 0');
    expect(text).toMatch(/tessera_http_request_duration_seconds_count\{method="GET",route="\/api\/products\/",status="401"\} 2/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
