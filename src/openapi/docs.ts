// The OpenAPI document at /api/docs/json and Swagger UI at /api/docs/, under Tessera's
// name. Swagger UI's own static policy ends in `upgrade-insecure-requests`, which makes a
// browser fetch every asset of `http://<LAN address>:8000/api/docs/` over HTTPS, where
// nothing answers: a blank page. Ours upgrades only a page that was itself served over
// HTTPS (directly, or behind a proxy with TRUST_PROXY=1 and X-Forwarded-Proto: https),
// and allows no more than the page uses: its own scripts and styles, the Swagger UI
// bundle's inline style attributes, and data: images (its icons).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** Tessera's mark (the web client's logo), for the docs' top bar and the tab's icon. */
export const TESSERA_LOGO_SVG = [
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32">',
  '<rect width="32" height="32" rx="7" fill="#4f46e5"/>',
  '<path d="M8 8h7v7H8zM17 8h7v7h-7zM8 17h7v7H8z" fill="#fff"/>',
  '<path d="M17 17h7v7h-7z" fill="#a5b4fc"/>',
  '</svg>',
].join('');

// The word beside the mark: Swagger UI shows only an image in its top bar.
const TOP_BAR_CSS = [
  '.swagger-ui .topbar{background:#1e1b4b;padding:8px 0}',
  '.swagger-ui .topbar a.link{display:flex;align-items:center;gap:10px;max-width:none}',
  '.swagger-ui .topbar a.link img{height:32px;width:32px}',
  '.swagger-ui .topbar a.link::after{content:"Tessera API";color:#fff;font:600 18px/1 system-ui,sans-serif}',
].join('\n');

/** The hash of the <style> element the Swagger UI bundle (5.x) inserts at start. */
const SWAGGER_UI_STYLE_HASH = 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=';

/** The docs pages' Content-Security-Policy for this request. */
export function docsContentSecurityPolicy(request: Pick<FastifyRequest, 'protocol'>): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    // The Swagger UI bundle adds one <style> element of its own (allowed by its hash, so
    // another inline <style> is still refused) and sets style attributes on the code it
    // highlights; without these each is a console error. test/e2e/api-docs.test.ts fails
    // when a new Swagger UI changes that style.
    `style-src 'self' '${SWAGGER_UI_STYLE_HASH}'`,
    "style-src-attr 'unsafe-inline'",
    ...(request.protocol === 'https' ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export interface ApiDocsOptions {
  readonly document: Record<string, unknown>;
}

async function apiDocsPlugin(app: FastifyInstance, options: ApiDocsOptions): Promise<void> {
  await app.register(fastifySwagger, { mode: 'static', specification: { document: options.document as never } });
  await app.register(async (docs) => {
    docs.addHook('onSend', async (request, reply, payload) => {
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('content-security-policy', docsContentSecurityPolicy(request));
      }
      return payload;
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: false,
      logo: { type: 'image/svg+xml', content: Buffer.from(TESSERA_LOGO_SVG), href: '/api/docs/', target: '_self' },
      theme: {
        title: 'Tessera API',
        css: [{ filename: 'tessera.css', content: TOP_BAR_CSS }],
        favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(TESSERA_LOGO_SVG) }],
      },
      uiConfig: { deepLinking: true },
    });
  });
}

/** Registers the document and Swagger UI; `app.swagger()` is available to the whole app. */
export const registerApiDocs = fastifyPlugin(apiDocsPlugin, { name: 'tessera-api-docs' });
