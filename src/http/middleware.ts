// What Django's middleware does before and around every view (one function, run first
// for every request; see middlewarePlugin for where):
//   CORS (django-cors-headers): a preflight is answered at once, before the Host check and
//     before authentication; other responses get Access-Control-Allow-Origin for an
//     allowed Origin, and always Vary: Origin.
//   Host (CommonMiddleware + ALLOWED_HOSTS): any other Host is 400, logged as Django logs
//     it (django.security.DisallowedHost), at most a few lines a minute (DisallowedHostLog).
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

// Django's host_validation_re (django/http/request.py), on the lower-cased header.
const HOST_PATTERN = /^([a-z0-9.-]+|\[[a-f0-9:.]+\])(:\d+)?$/;

/** Django's split_domain_port: the host name, lower-cased, port and trailing dot removed; '' when the header is not a host. */
function hostDomain(hostHeader: string): string {
  const host = hostHeader.toLowerCase();
  if (!HOST_PATTERN.test(host)) return '';
  const domain = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

/** Django's split_domain_port + validate_host. */
export function hostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (hostHeader === undefined) return true; // HTTP/1.0 without Host: Django uses SERVER_NAME
  const domain = hostDomain(hostHeader);
  if (domain === '') return false;
  return allowedHosts.some((pattern) =>
    pattern === '*'
    || pattern === domain
    || (pattern.startsWith('.') && (domain.endsWith(pattern) || domain === pattern.slice(1))));
}

/** Python's repr() of a header value (Node decodes it as Latin-1): quotes, escapes, \xNN for what is not printable. */
function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/[\\\x00-\x1f\x7f-\xa0\xad'"]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\t') return '\\t';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === "'" || c === '"') return c === quote ? `\\${c}` : c;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `${quote}${escaped}${quote}`;
}

/** Django's DisallowedHost message (HttpRequest.get_host). */
export function disallowedHostMessage(hostHeader: string): string {
  const domain = hostDomain(hostHeader);
  return `Invalid HTTP_HOST header: ${pyRepr(hostHeader)}.${domain === ''
    ? ' The domain name provided is not valid according to RFC 1034/1035.'
    : ` You may need to add ${pyRepr(domain)} to ALLOWED_HOSTS.`}`;
}

export const DISALLOWED_HOST_LOGGER = 'django.security.DisallowedHost';
/** Lines a minute about refused Hosts; past that they are counted, and the count logged once the minute ends. */
export const DISALLOWED_HOST_LINES_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

/**
 * The log of refused Hosts. Django writes one line per request; so does Tessera, up to
 * DISALLOWED_HOST_LINES_PER_MINUTE, because the Host is the client's to choose and send as
 * often as it likes, and the log stream is asynchronous (server.ts): lines the terminal or
 * journal has not taken yet wait in memory. Past the limit a minute, the refusals are
 * counted and one line says how many there were.
 */
class DisallowedHostLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private lines = 0;
  private unlogged = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly logger: FastifyBaseLogger) {}

  refused(request: FastifyRequest, host: string): void {
    const now = Date.now();
    if (now - this.windowStart >= MINUTE_MS) {
      this.windowStart = now;
      this.lines = 0;
    }
    if (this.lines < DISALLOWED_HOST_LINES_PER_MINUTE) {
      this.lines++;
      this.logger.warn({ logger: DISALLOWED_HOST_LOGGER, ...requestFields(request), status_code: 400 }, disallowedHostMessage(host));
      return;
    }
    this.unlogged++;
    this.timer ??= setTimeout(() => this.flush(), this.windowStart + MINUTE_MS - now).unref();
  }

  /** The count of refusals not logged one by one, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.unlogged === 0) return;
    this.logger.warn(
      { logger: DISALLOWED_HOST_LOGGER, unlogged: this.unlogged },
      `Invalid HTTP_HOST header: ${this.unlogged} more requests refused in the last minute, not logged one by one (at most ${DISALLOWED_HOST_LINES_PER_MINUTE} lines a minute).`,
    );
    this.unlogged = 0;
  }
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

export interface DjangoMiddlewareHandle {
  readonly middleware: DjangoMiddleware;
  /** Logs what is still counted (refused Hosts) and stops the timer; on app close. */
  close(): void;
}

export function createDjangoMiddleware(options: MiddlewareOptions): DjangoMiddlewareHandle {
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
  const hostLog = new DisallowedHostLog(options.logger);
  const middleware: DjangoMiddleware = function djangoMiddleware(request, reply, vary) {
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
    const host = request.headers.host;
    if (!isAllowedHost(host)) {
      hostLog.refused(request, host!);
      reply.code(400).header('vary', 'Origin').header('content-type', 'text/html').send(BAD_REQUEST_PAGE);
      return true;
    }
    reply.header('vary', vary);
    reply.header('x-frame-options', 'DENY');
    return false;
  };
  return { middleware, close: () => hostLog.flush() };
}

/**
 * Decorates the app with its djangoMiddleware. Views run it first thing in their initial()
 * hook (http/view.ts), which installs it on every other route as well; the not-found
 * handler calls it itself.
 */
export const middlewarePlugin = fp(
  async function middleware(app: FastifyInstance, options: MiddlewareOptions) {
    const { middleware, close } = createDjangoMiddleware(options);
    app.decorate('djangoMiddleware', middleware);
    app.addHook('onClose', async () => close());
  },
  { name: 'tessera-middleware' },
);
