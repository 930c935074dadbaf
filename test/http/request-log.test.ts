// The operator's log at LOG_LEVEL=info: no line per request, a summary of the responses
// by status class, and (at debug) one line per request.
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { FastifyInstance } from 'fastify';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { memoryLogger, type LogLine } from '../helpers/log.js';

describe('request log', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  afterEach(async () => {
    await database.drop();
  });

  async function start(level: string): Promise<LogLine[]> {
    database = await createTestDatabase('sqlite');
    const { logger, lines } = memoryLogger(level);
    app = await buildApp({ config: testConfig({ database: database.config }), db: database.db, logger });
    await app.ready();
    return lines;
  }

  async function requests(): Promise<void> {
    expect((await app.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/products/' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/products/', headers: { authorization: 'Token nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/nothing/here' })).statusCode).toBe(404);
  }

  it('writes no line per request at info, and a summary by status class when it closes', async () => {
    const lines = await start('info');
    await requests();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.filter((line) => line.msg !== 'requests in the last interval')).toEqual([]);
    await app.close();
    const summaries = lines.filter((line) => line.msg === 'requests in the last interval');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ level: 30, requests: 4, '2xx': 1, '3xx': 0, '4xx': 3, '5xx': 0 });
    expect(summaries[0]!.mean_ms).toBeGreaterThanOrEqual(0);
    expect(summaries[0]!.max_ms).toBeGreaterThanOrEqual(0);
  });

  it('writes one line per request at debug', async () => {
    const lines = await start('debug');
    await requests();
    await app.close();
    const perRequest = lines.filter((line) => line.msg === 'request');
    expect(perRequest.map((line) => [line.method, line.url, line.status])).toEqual([
      ['GET', '/api/docs/json', 200],
      ['GET', '/api/products/', 401],
      ['GET', '/api/products/', 401],
      ['GET', '/nothing/here', 404],
    ]);
    expect(perRequest.every((line) => line.level === 20 && typeof line.reqId === 'string')).toBe(true);
  });
});
