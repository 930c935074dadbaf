// The server's limits on a real socket (app.inject() has none): 408 for a request whose
// headers or body do not arrive in time, pipelined requests handled a few at a time, and
// long lists streamed with the same bytes (http/connections.ts, generics/viewsets.ts).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LIST_CHUNK_ROWS } from '../../src/generics/viewsets.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const TIMEOUT_BODY = '{"detail":"The request was not received in time."}';

function rssMegabytes(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
}

/** Sends `bytes` and collects what comes back until the server closes the connection (or `waitMs` passes). */
function exchange(port: number, bytes: string, waitMs: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

async function insertProducts(t: TestApp, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `Product ${i} \u2028`,
    description: `A description of product number ${i}, long enough to weigh something`,
    price: `${i % 1000}.99`,
    created_at: '2026-11-28 14:51:16.620289',
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await t.database.db.kysely.insertInto('product').values(rows.slice(start, start + 500)).execute();
  }
}

describe('limit settings', () => {
  const base = { SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789' };

  it('are seconds (and a count) from the environment, with defaults', () => {
    expect(loadConfig(base).limits).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, socketTimeoutMs: 60_000, pipelineDepth: 8 });
    expect(loadConfig(base).databaseTimeouts).toEqual({ connectMs: 5000, statementMs: 10_000 });
    const set = loadConfig({ ...base, HEADERS_TIMEOUT: '2', REQUEST_TIMEOUT: '3', KEEP_ALIVE_TIMEOUT: '4', SOCKET_TIMEOUT: '5', PIPELINE_DEPTH: '1', DATABASE_CONNECT_TIMEOUT: '6', DATABASE_STATEMENT_TIMEOUT: '7' });
    expect(set.limits).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 4000, socketTimeoutMs: 5000, pipelineDepth: 1 });
    expect(set.databaseTimeouts).toEqual({ connectMs: 6000, statementMs: 7000 });
  });

  it.each([
    ['REQUEST_TIMEOUT', 'soon', 'Invalid configuration: REQUEST_TIMEOUT must be a whole number, got "soon"'],
    ['PIPELINE_DEPTH', '0', 'Invalid configuration: PIPELINE_DEPTH must be between 1 and 1000, got 0'],
    ['DATABASE_STATEMENT_TIMEOUT', '0', 'Invalid configuration: DATABASE_STATEMENT_TIMEOUT must be between 1 and 86400, got 0'],
  ])('refuse %s=%s', (variable, value, message) => {
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(message);
  });
});

describe.each(DIALECTS)('server limits on %s', (dialect) => {
  let t: TestApp;
  let port: number;

  beforeEach(async () => {
    t = await createTestApp(dialect, {
      config: { limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500, keepAliveTimeoutMs: 5000, socketTimeoutMs: 60_000, pipelineDepth: 8 } },
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterEach(async () => {
    await t.close();
  });

  it('answers 408 and closes a connection whose headers stop halfway', async () => {
    const { text, closed } = await exchange(port, 'GET /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\n', 10_000);
    expect(closed).toBe(true);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(text).toContain('Content-Type: application/json\r\n');
    expect(text.endsWith(`\r\n\r\n${TIMEOUT_BODY}`)).toBe(true);
  });

  it('answers 408 and closes a connection whose body stops halfway (what it buffered goes with it)', async () => {
    const head = 'POST /api/token-auth/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n';
    const { text, closed } = await exchange(port, `${head}{"username": "${'a'.repeat(1_000_000)}`, 10_000);
    expect(closed).toBe(true);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(text.endsWith(TIMEOUT_BODY)).toBe(true);
    // The server goes on serving.
    const response = await fetch(`http://127.0.0.1:${port}/api/`);
    expect(response.status).toBe(401);
  });

  it('streams a list longer than a chunk: the bytes of the whole array, chunked; a short one keeps Content-Length', async () => {
    await t.createUser('alice');
    const key = await t.login('alice');
    const authorization = `Token ${key}`;
    await insertProducts(t, LIST_CHUNK_ROWS);
    const short = await fetch(`http://127.0.0.1:${port}/api/products/`, { headers: { authorization } });
    const shortBody = await short.text();
    expect(short.headers.get('content-length')).toBe(String(Buffer.byteLength(shortBody)));
    expect(short.headers.get('transfer-encoding')).toBeNull();

    await insertProducts(t, LIST_CHUNK_ROWS * 2 + 1);
    const long = await fetch(`http://127.0.0.1:${port}/api/products/`, { headers: { authorization } });
    const body = await long.text();
    expect(long.status).toBe(200);
    expect(long.headers.get('content-type')).toBe('application/json');
    expect(long.headers.get('transfer-encoding')).toBe('chunked');
    expect(long.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    // The same bytes as the whole list rendered at once (the indented rendering is built whole).
    const indented = await fetch(`http://127.0.0.1:${port}/api/products/`, { headers: { authorization, accept: 'application/json; indent=2' } });
    const all = JSON.parse(await indented.text()) as Array<{ id: number }>;
    expect(all).toHaveLength(LIST_CHUNK_ROWS * 3 + 1);
    expect(body).toBe(JSON.stringify(all).replace(/\u2028/g, '\\u2028'));
    expect(all.map((row) => row.id)).toEqual([...all.map((row) => row.id)].sort((a, b) => a - b));
  });

  it('handles 1,000 pipelined list requests a few at a time: bounded memory, other clients answered meanwhile', async () => {
    await t.createUser('alice');
    const key = await t.login('alice');
    await insertProducts(t, 3000);
    const request = `GET /api/products/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token ${key}\r\n\r\n`;
    const single = await fetch(`http://127.0.0.1:${port}/api/products/`, { headers: { authorization: `Token ${key}` } });
    const listBytes = Buffer.byteLength(await single.text());
    expect(listBytes).toBeGreaterThan(500_000);

    const rssBefore = rssMegabytes();
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMegabytes())), 20);
    // One write of 1,000 requests, then the client reads nothing.
    const pipelined = net.connect(port, '127.0.0.1', () => pipelined.write(request.repeat(1000)));
    pipelined.pause();
    pipelined.on('error', () => {});
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Another client is answered while the pipelined ones wait (before: only after all
      // 1,000 lists were built, and held). No time limit but the test's: the memory bound is the check.
      const other = await fetch(`http://127.0.0.1:${port}/api/products/1/`, { headers: { authorization: `Token ${key}` } });
      expect(other.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // 1,000 lists held at once would be 1,000 × listBytes (over 500 MB); a few at a time are a few MB.
      expect(peak - rssBefore).toBeLessThan(250);

      // Read on: the responses come, in order, each the whole list.
      let received = '';
      const firstTwenty = new Promise<void>((resolve) => {
        pipelined.on('data', (chunk: Buffer) => {
          received += chunk.toString('latin1');
          if (received.split('HTTP/1.1 200 OK').length > 21) resolve();
        });
      });
      pipelined.resume();
      await firstTwenty;
      // Each a chunked stream of the whole list (3,000 rows are more than a chunk).
      const responses = received.split('HTTP/1.1 200 OK\r\n').slice(1, 21);
      expect(responses.every((response) => response.includes('Transfer-Encoding: chunked\r\n'))).toBe(true);
      expect(responses.slice(0, -1).every((response) => response.length > listBytes)).toBe(true);
    } finally {
      clearInterval(sampler);
      pipelined.destroy();
    }
  }, 120_000);
});
