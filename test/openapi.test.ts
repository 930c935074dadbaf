// The OpenAPI document and Swagger UI at /api/docs/: served, complete, self-consistent.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

describe('API documentation', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  function refs(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((item) => refs(item, found));
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === '$ref' && typeof inner === 'string') found.push(inner);
        else refs(inner, found);
      }
    }
    return found;
  }

  it('serves an OpenAPI 3.1 document covering every route, with every $ref defined', async () => {
    t = await createTestApp('sqlite');
    const response = await t.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/api/token-auth/', '/api/logout/', '/api/logout-all/', '/api/products/', '/api/products/{id}/',
      '/api/admin/users/', '/api/admin/users/{id}/', '/api/admin/users/{id}/set-password/',
      '/api/admin/tokens/', '/api/admin/tokens/{user_id}/', '/api/admin/products/', '/api/admin/audit-log/',
    ]));
    expect(document.paths['/api/devices/']).toBeUndefined();
    expect(document.paths['/api/token-auth/'].post.security).toEqual([]);
    for (const target of refs(document)) {
      const name = target.replace('#/components/schemas/', '');
      expect(document.components.schemas[name], target).toBeDefined();
    }
    // Every documented path answers (not 404) for an anonymous client: 401, 200 or 405.
    for (const path of Object.keys(document.paths)) {
      const url = path.replace(/\{[a-z_]+\}/g, '1');
      const answer = await t.inject({ method: 'OPTIONS', url });
      expect(answer.statusCode, url).not.toBe(404);
    }
  });

  it('documents the device routes in per-device mode and serves Swagger UI', async () => {
    t = await createTestApp('sqlite', { config: { tokenMode: 'per-device' } });
    const document = (await t.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(document.paths['/api/devices/']).toBeDefined();
    expect(document.paths['/api/token-auth/'].post.responses['200'].content['application/json'].schema.properties.expires).toBeDefined();
    const ui = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/^text\/html/);
    expect(ui.body).toContain('swagger');
  });

  it('can be switched off', async () => {
    t = await createTestApp('sqlite', { config: { apiDocs: false } });
    expect((await t.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(404);
  });
});
