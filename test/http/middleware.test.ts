// What Django's middleware adds around the API: CORS, ALLOWED_HOSTS, security headers,
// the HTML 404 page, and the body limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostAllowed } from '../../src/http/middleware.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

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
    await t.createUser('alice');
    const key = await t.login('alice');
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
