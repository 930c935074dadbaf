// What Django's middleware adds around the API: CORS, ALLOWED_HOSTS, security headers,
// the HTML 404 page, and the body limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISALLOWED_HOST_LINES_PER_MINUTE, hostAllowed } from '../../src/http/middleware.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { memoryLogger } from '../helpers/log.js';

describe('middleware', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp('sqlite', { config: { bodyLimit: 2048 } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers a CORS preflight before authentication, with django-cors-headers\' headers', async () => {
    const response = await t.inject({
      method: 'OPTIONS', url: '/api/products/',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(response.headers['access-control-allow-headers']).toBe('accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with');
    expect(response.headers['access-control-allow-methods']).toBe('DELETE, GET, OPTIONS, PATCH, POST, PUT');
    expect(response.headers['access-control-max-age']).toBe('86400');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers.vary).toBe('Origin');
  });

  it('gives other origins no CORS headers but still serves them', async () => {
    const preflight = await t.inject({
      method: 'OPTIONS', url: '/api/products/',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.inject({ method: 'GET', url: '/api/products/', headers: { origin: 'http://evil.example' } });
    expect(get.statusCode).toBe(401);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await t.inject({ method: 'GET', url: '/api/products/', headers: { origin: 'http://127.0.0.1:5173' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('http://127.0.0.1:5173');
    expect(allowed.headers.vary).toBe('Accept, Origin');
  });

  it('refuses a Host outside ALLOWED_HOSTS with Django\'s 400 page', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/products/', headers: { host: 'evil.example' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/html');
    expect(response.body).toContain('<title>Bad Request (400)</title>');
    const allowed = await t.inject({ method: 'GET', url: '/api/products/', headers: { host: 'LOCALHOST:8000' } });
    expect(allowed.statusCode).toBe(401);
  });

  it('logs a refused Host as Django does, a bounded number of lines a minute', async () => {
    const { logger, lines } = memoryLogger('info');
    const logged = await createTestApp('sqlite', { logger });
    try {
      const refuse = async (host: string) => expect((await logged.inject({ method: 'GET', url: '/api/products/', headers: { host } })).statusCode).toBe(400);
      await refuse('Evil.Example:99');
      await refuse("bad host'x");
      await refuse('a\\b"\t');
      // A flood of large Hosts: the lines stop at the limit; the rest are counted.
      for (let i = 0; i < 200; i++) await refuse(`${'x'.repeat(8000)}${i}.example`);
      const refused = lines.filter((line) => line.logger === 'django.security.DisallowedHost');
      expect(refused.slice(0, 3).map((line) => [line.level, line.msg, line.status_code, line.url])).toEqual([
        [40, "Invalid HTTP_HOST header: 'Evil.Example:99'. You may need to add 'evil.example' to ALLOWED_HOSTS.", 400, '/api/products/'],
        [40, 'Invalid HTTP_HOST header: "bad host\'x". The domain name provided is not valid according to RFC 1034/1035.', 400, '/api/products/'],
        [40, "Invalid HTTP_HOST header: 'a\\\\b\"\\t'. The domain name provided is not valid according to RFC 1034/1035.", 400, '/api/products/'],
      ]);
      expect(refused.every((line) => typeof line.reqId === 'string')).toBe(true);
      expect(refused).toHaveLength(DISALLOWED_HOST_LINES_PER_MINUTE);
    } finally {
      await logged.close();
    }
    // When the minute ends (here: at close), one line counts the refusals not logged.
    const counted = lines.filter((line) => line.logger === 'django.security.DisallowedHost' && line.unlogged !== undefined);
    expect(counted.map((line) => [line.level, line.unlogged, line.msg])).toEqual([
      [40, 203 - DISALLOWED_HOST_LINES_PER_MINUTE, `Invalid HTTP_HOST header: ${203 - DISALLOWED_HOST_LINES_PER_MINUTE} more requests refused in the last minute, not logged one by one (at most ${DISALLOWED_HOST_LINES_PER_MINUTE} lines a minute).`],
    ]);
  });

  it.each([
    ['localhost', ['localhost'], true],
    ['localhost:8000', ['localhost'], true],
    ['localhost.', ['localhost'], true],
    ['api.example.com', ['.example.com'], true],
    ['example.com', ['.example.com'], true],
    ['evil.com', ['.example.com'], false],
    ['[::1]:8000', ['[::1]'], true],
    ['anything', ['*'], true],
    ['bad host', ['*'], false],
    ['a/b', ['a'], false],
  ])('host %s with %j allowed: %s', (host, allowed, expected) => {
    expect(hostAllowed(host, allowed)).toBe(expected);
  });

  it('sends Django\'s security headers on API responses', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/products/' });
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('same-origin');
  });

  it('answers unknown paths with Django\'s 404 page', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/nothing/' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html');
    expect(response.body).toBe('\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n');
  });

  it('answers 413 with a JSON detail for a body over the limit, never a crash', async () => {
    const key = await t.token(await t.createUser('alice'));
    const response = await t.inject({
      method: 'POST', url: '/api/products/',
      headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', description: 'y'.repeat(5000), price: '1' }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json()).toEqual({ detail: 'Request body is larger than the limit of 2048 bytes.' });
  });
});
