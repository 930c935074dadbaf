// The OpenAPI document and Swagger UI at /api/docs/: served, complete, self-consistent.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { gadgetProject } from './generics/gadgets.js';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** A route's URL as the document names it: /api/products/:pk([^/.]+)/ -> /api/products/{id}/. */
function documentedPath(url: string): string {
  return url.replace(/:([a-z_]+)(\([^)]*\))?/gi, (_: string, name: string) => `{${name === 'pk' ? 'id' : name}}`);
}

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

  it('serves an OpenAPI 3.1 document of exactly the routes served, with every $ref defined', async () => {
    t = await createTestApp('sqlite');
    const response = await t.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    // Every operation of every view the app registered, and nothing else (no devices here).
    const served = t.app.apiViews.flatMap((view) => view.methods.map((method) => `${method} ${documentedPath(view.url)}`));
    const documented = Object.entries(document.paths as Record<string, object>)
      .flatMap(([path, item]) => Object.keys(item).filter((key) => HTTP_METHODS.has(key)).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(served.sort());
    expect(served).toContain('DELETE /api/admin/tokens/{user_id}/');
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

  const JWT = { signingKey: 'openapi-test-signing-key-0123456789abcdef', accessLifetimeSeconds: 300, refreshLifetimeSeconds: 86_400, rotateRefreshTokens: false, blacklistAfterRotation: false };
  it.each([['single', null], ['per-device', null], ['single', JWT]] as const)('documents every view and method, each with an operationId (%s tokens, JWT %o)', async (tokenMode, jwt) => {
    t = await createTestApp('sqlite', { config: { tokenMode, jwt }, project: gadgetProject });
    const document = (await t.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const documented = (url: string) => document.paths[documentedPath(url)];
    expect(t.app.apiViews.length).toBeGreaterThan(15);
    for (const view of t.app.apiViews) {
      const path = documented(view.url);
      expect(path, view.url).toBeDefined();
      for (const method of view.methods) expect(path[method.toLowerCase()]?.operationId, `${method} ${view.url}`).toMatch(/^[a-z][A-Za-z]+$/);
    }
    const ids = Object.values(document.paths).flatMap((path) => Object.values(path as Record<string, { operationId?: string }>).map((operation) => operation.operationId).filter(Boolean));
    expect(new Set(ids).size).toBe(ids.length);
    // A declared resource: derived paths, shared schemas, the login's 429.
    expect(document.paths['/api/gadgets/'].get.operationId).toBe('listGadgets');
    expect(document.paths['/api/gadgets/'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'offset', 'kind', 'size', 'parent', 'ordering']);
    expect(document.paths['/api/gadgets/{id}/'].patch.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/GadgetInput' });
    expect(document.components.schemas.Gadget.properties.kind).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(document.paths['/api/token-auth/'].post.responses['429']).toBeDefined();
    expect(document.paths['/api/token/'] !== undefined).toBe(jwt !== null);
    expect(document.components.securitySchemes.JWTAuthentication !== undefined).toBe(jwt !== null);
    expect(document.paths['/api/products/'].get.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Detail' });
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
