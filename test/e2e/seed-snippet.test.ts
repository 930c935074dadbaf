/**
 * Issue 3, item 4: the seed's own client code works as written. A page served from
 * http://localhost:<port> runs exactly the seed's two fetch calls against the API on
 * http://127.0.0.1:<port>, across origins, and gets the token and the products. CORS is
 * configured through the server's environment (CORS_ALLOWED_ORIGINS), as a deployment
 * would; an origin that is not listed gets no CORS headers, so its browser refuses to let
 * the page read the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newContext, screenshot } from './helpers/browser.js';
import { freePort } from './helpers/ports.js';
import { serveHtml } from './helpers/static-server.js';
import type { StaticServer } from './helpers/static-server.js';
import { startServer, TARGET } from './helpers/target.js';
import type { TestServer } from './helpers/target.js';
import type { PageWindow } from './helpers/page-globals.js';

/** The page's own global: the seed's `run()` defined by the snippet's <script>. */
declare const window: PageWindow & { run(username: string, password: string): Promise<unknown> };

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let allowedPage: StaticServer;
let otherPage: StaticServer;
let allowedOrigin: string;

/** The seed's client code, verbatim but for the API's address. */
function snippetPage(api: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Seed client</title></head>
<body>
<h1>Seed client</h1>
<pre id="out">Not run yet.</pre>
<script>
async function login(username, password) {
  const response = await fetch("${api}/api/token-auth/", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify({username, password})});
  const data = await response.json();
  return data.token;
}
async function products(token) {
  const response = await fetch("${api}/api/products/", {headers: {"Authorization": "Token " + token}});
  return response.json();
}
async function run(username, password) {
  const token = await login(username, password);
  const list = await products(token);
  document.getElementById("out").textContent = JSON.stringify({ token, products: list }, null, 2);
  return { token, products: list };
}
</script>
</body>
</html>`;
}

beforeAll(async () => {
  // The reference only allows http://localhost:5173; Tessera takes any origin from its env.
  const port = TARGET === 'reference' ? 5173 : await freePort();
  allowedOrigin = `http://localhost:${port}`;
  [server, browser] = await Promise.all([
    startServer({ corsAllowedOrigins: allowedOrigin, withoutClient: true }),
    launchBrowser(),
  ]);
  await server.createUser('mamun', '12345mamun');
  const html = snippetPage(server.apiUrl);
  allowedPage = await serveHtml(html, { host: '127.0.0.1', port });
  otherPage = await serveHtml(html, { host: '127.0.0.1', port: await freePort() });
  context = await newContext(browser);

  // A product to list, created through the API like any client would.
  const login = await fetch(`${server.apiUrl}/api/token-auth/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'mamun', password: '12345mamun' }),
  });
  const { token } = (await login.json()) as { token: string };
  const created = await fetch(`${server.apiUrl}/api/products/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` },
    body: JSON.stringify({ name: 'Pen', description: 'Blue ink', price: '12.50' }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await allowedPage?.close();
  await otherPage?.close();
  await server?.stop();
});

describe(`the seed's client code across origins (${TARGET})`, () => {
  it('gets the token and the products from a page on an allowed origin', async () => {
    const page = await context.newPage();
    await page.goto(`${allowedOrigin}/`);
    const result = await page.evaluate(() => window.run('mamun', '12345mamun'));
    expect(result).toEqual({
      token: expect.stringMatching(/^[0-9a-f]{40}$/),
      products: [
        {
          id: expect.any(Number),
          name: 'Pen',
          description: 'Blue ink',
          price: '12.50',
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        },
      ],
    });
    await screenshot(page, 'seed-snippet-01-allowed-origin');
  });

  it('is refused by the browser on an origin that is not allowed', async () => {
    const page = await context.newPage();
    await page.goto(`${otherPage.origin}/`);
    const outcome = await page.evaluate(async () => {
      try {
        await window.run('mamun', '12345mamun');
        return 'read the answer';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(outcome).toBe('TypeError');
  });
});
