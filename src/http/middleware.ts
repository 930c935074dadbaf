// What Django's middleware does before and around every view (one function, run first
// for every request; see middlewarePlugin for where):
//   CORS (django-cors-headers): a preflight is answered at once, before the Host check and
//     before authentication; other responses get Access-Control-Allow-Origin for an
//     allowed Origin, and always Vary: Origin.
//   Host (CommonMiddleware + ALLOWED_HOSTS): any other Host is 400.
//   Security headers (SecurityMiddleware, XFrameOptionsMiddleware).
//   Not found: Django's HTML 404 page (DEBUG = False).
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requestFields } from './request-log.js';

export interface MiddlewareOptions {
  readonly allowedHosts: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly logger: FastifyBaseLogger;
}

// django-cors-headers' defaults (CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS).
const CORS_ALLOW_HEADERS = 'accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with';
const CORS_ALLOW_METHODS = 'DELETE, GET, OPTIONS, PATCH, POST, PUT';
const CORS_MAX_AGE = '86400';

function djangoErrorPage(title: string, message: string): string {
  return `\n<!doctype html>\n<html lang="en">\n<head>\n  <title>${title}</title>\n</head>\n<body>\n  <h1>${title}</h1><p>${message}</p>\n</body>\n</html>\n`;
}

export const NOT_FOUND_PAGE = djangoErrorPage('Not Found', 'The requested resource was not found on this server.');
const BAD_REQUEST_PAGE = djangoErrorPage('Bad Request (400)', '');

/** Django's split_domain_port + validate_host: the host name, lower-cased, port and trailing dot removed. */
export function hostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (hostHeader === undefined) return true; // HTTP/1.0 without Host: Django uses SERVER_NAME
  const host = hostHeader.toLowerCase();
  if (!/^([a-z0-9.-]+|\[[a-f0-9:.]+\])(:\d+)?$/.test(host)) return false;
  let domain = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  return allowedHosts.some((pattern) =>
    pattern === '*'
    || pattern === domain
    || (pattern.startsWith('.') && (domain.endsWith(pattern) || domain === pattern.slice(1))));
}

const HOST_CACHE_LIMIT = 256;

/**
 * Django's middleware for one request. Returns true when it answered the request itself
 * (a CORS preflight, a Host outside ALLOWED_HOSTS); otherwise the response carries the
 * CORS and security headers and `vary` ("Origin", or "Accept, Origin" for a view with
 * several renderers: DRF adds Accept in the view, django-cors-headers Origin after it).
 */
export type DjangoMiddleware = (request: FastifyRequest, reply: FastifyReply, vary: string) => boolean;

declare module 'fastify' {
  interface FastifyInstance {
    djangoMiddleware: DjangoMiddleware;
  }
}

export function createDjangoMiddleware(options: MiddlewareOptions): DjangoMiddleware {
  const allowedOrigins = new Set(options.corsAllowedOrigins);
  const allowedHosts = options.allowedHosts;
  // Host header -> allowed?, for the few hosts a server sees (bounded: the header is the client's).
  const hostVerdicts = new Map<string, boolean>();
  function isAllowedHost(host: string | undefined): boolean {
    if (host === undefined) return true;
    let verdict = hostVerdicts.get(host);
    if (verdict === undefined) {
      verdict = hostAllowed(host, allowedHosts);
      if (hostVerdicts.size >= HOST_CACHE_LIMIT) hostVerdicts.clear();
      hostVerdicts.set(host, verdict);
    }
    return verdict;
  }

  // Django's order: CORS first (a preflight is answered before anything else), then the
  // Host check and the security headers.
  const { logger } = options;
  return function djangoMiddleware(request, reply, vary) {
    request.receivedAt = performance.now(); // the request log's clock (http/request-log.ts)
    const origin = request.headers.origin;
    const allowed = origin !== undefined && allowedOrigins.has(origin);
    if (allowed) reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      if (allowed) {
        reply.header('access-control-allow-headers', CORS_ALLOW_HEADERS);
        reply.header('access-control-allow-methods', CORS_ALLOW_METHODS);
        reply.header('access-control-max-age', CORS_MAX_AGE);
      }
      reply.code(200).header('vary', 'Origin').header('content-type', 'text/html; charset=utf-8').send('');
      return true;
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!isAllowedHost(request.headers.host)) {
      logger.warn({ ...requestFields(request), host: request.headers.host }, 'Invalid HTTP_HOST header; add it to ALLOWED_HOSTS if it is yours');
      reply.code(400).header('vary', 'Origin').header('content-type', 'text/html').send(BAD_REQUEST_PAGE);
      return true;
    }
    reply.header('vary', vary);
    reply.header('x-frame-options', 'DENY');
    return false;
  };
}

/**
 * Decorates the app with its djangoMiddleware. Views run it first thing in their initial()
 * hook (http/view.ts), which installs it on every other route as well; the not-found
 * handler calls it itself.
 */
export const middlewarePlugin = fp(
  async function middleware(app: FastifyInstance, options: MiddlewareOptions) {
    app.decorate('djangoMiddleware', createDjangoMiddleware(options));
  },
  { name: 'tessera-middleware' },
);
