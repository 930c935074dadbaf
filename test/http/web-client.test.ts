// Serving the built web client from the API's own origin: files at /, index.html for the
// client's own routes (so /admin works on reload), never for API paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_PAGE_CSP } from '../../src/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const INDEX = '<!doctype html><title>Tessera</title><div id="root"></div>';

describe('web client serving', () => {
  let t: TestApp;
  let webRoot: string;

  beforeEach(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'tessera-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), INDEX);
    writeFileSync(join(webRoot, 'assets', 'index-abc123.js'), 'console.log("app")');
    t = await createTestApp('sqlite', { config: { webRoot } });
  });
  afterEach(async () => {
    await t.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / with a Content-Security-Policy and no caching', async () => {
    const response = await t.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-security-policy']).toBe(CLIENT_PAGE_CSP);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets as immutable', async () => {
    const response = await t.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it("answers the client's own routes with index.html, and API paths with Django's 404", async () => {
    for (const url of ['/products', '/admin/users/7', '/login?next=%2Fadmin']) {
      const page = await t.inject({ method: 'GET', url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toBe(INDEX);
      expect(page.headers['content-security-policy']).toBe(CLIENT_PAGE_CSP);
    }
    const api = await t.inject({ method: 'GET', url: '/api/nothing/', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.body).toContain('Not Found');
    const script = await t.inject({ method: 'GET', url: '/missing.js', headers: { accept: '*/*' } });
    expect(script.statusCode).toBe(404);
  });
});
