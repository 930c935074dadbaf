// buildApp(): the whole HTTP application on a given database. It never listens and never
// reads process.env (main.ts does both), so tests build as many apps as they like.
import { existsSync, readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { accountRoutes } from './accounts/routes.js';
import { accountThrottleLimits } from './accounts/throttle.js';
import { createOutbox, fileTransport, smtpTransport, type Transport } from './accounts/outbox.js';
import { adminRouter, adminRoutes } from './admin/routes.js';
import { auditAuthEvents } from './audit/audit-log.js';
import { accessPlugin, type AccessPolicy } from './auth/plugin.js';
import { isAuthenticated } from './auth/permissions.js';
import { authRoutes } from './auth/routes.js';
import { deviceTokenAuthentication } from './auth/device-tokens.js';
import { jwtAuthentication } from './auth/jwt/authentication.js';
import { jwtRoutes } from './auth/jwt/routes.js';
import { jwtCodec } from './auth/jwt/tokens.js';
import { tokenAuthentication, type AuthScheme } from './auth/schemes.js';
import type { AuthEvents } from './auth/events.js';
import { memoryLoginThrottle, type LoginThrottle } from './auth/throttle.js';
import { createTokenSealer } from './auth/tokens.js';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import { databaseOutageLog, registerErrorHandler } from './errors.js';
import { registerRawBodyParser } from './http/body.js';
import { limitedServer } from './http/connections.js';
import { middlewarePlugin, NOT_FOUND_PAGE } from './http/middleware.js';
import { RequestLog, requestLogPlugin } from './http/request-log.js';
import { viewsPlugin } from './http/view.js';
import { databaseCheck, healthRoutes, type ReadinessCheck } from './http/health.js';
import { metricsPlugin, type Metrics } from './metrics.js';
import { defaultRouter, registerRouters, type Router } from './generics/routers.js';
import { registerApiDocs as apiDocs } from './openapi/docs.js';
import { openApiDocument } from './openapi/document.js';
import { productViewSet } from './products/resource.js';

// The web client's pages load only their own scripts, styles and data: an injected script
// (the XSS that could read a stored token) has nowhere to load from and nowhere to send to.
export const CLIENT_PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The OpenAPI document at /api/docs/json and Swagger UI at /api/docs/ (openapi/docs.ts). */
async function registerApiDocs(app: FastifyInstance, config: Config, routers: readonly Router[]): Promise<void> {
  await app.register(apiDocs, { document: openApiDocument({ tokenMode: config.tokenMode, version: PACKAGE_VERSION, routers, adminRouters: [adminRouter()], jwt: config.jwt !== null }) });
}

export interface AppOptions {
  readonly config: Config;
  readonly db: Db;
  /** The operator's log (pino); none by default (tests). Fastify itself runs without one (http/request-log.ts). */
  readonly logger?: FastifyBaseLogger;
  readonly throttle?: LoginThrottle;
  /** The accounts' e-mail throttle's counters (accounts/throttle.ts); in this process by default. */
  readonly accountThrottle?: LoginThrottle;
  readonly authEvents?: AuthEvents;
  /** How often the request summary is logged (default once a minute). */
  readonly logSummaryIntervalMs?: number;
  /** The project's own resources (generics/routers.ts), served beside Tessera's products. */
  readonly routers?: readonly Router[];
  /** Count and time requests (metrics.ts); off by default. */
  readonly metrics?: Metrics;
  /** What /readyz checks besides the database (migrations, Redis). */
  readonly readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** How the accounts' e-mails leave (tests); by default SMTP (EMAIL_URL) or .eml files (EMAIL_OUTBOX). */
  readonly mailTransport?: Transport;
}

/** Tessera's own API: the tutorial's products on a DefaultRouter at /api/. */
export function tesseraRouter(): Router {
  return defaultRouter('/api/').register('products', productViewSet);
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const app = Fastify({
    // No logger for Fastify: it would cost a child logger and two response listeners per
    // request. Tessera logs to `logger`; Fastify's own error lines reach it through
    // RequestLog; responses are counted and summarized by requestLogPlugin.
    logger: false,
    logController: new RequestLog(logger),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Better than Django's APPEND_SLASH 301 (which turns a POST into a GET): a path
    // without its trailing slash is served exactly as with it.
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // Timeouts, 408 and the pipelining depth (http/connections.ts); app.inject() bypasses it.
    serverFactory: limitedServer(config.limits),
  });

  const throttle = options.throttle ?? memoryLoginThrottle({
    perUsername: config.loginFailuresAllowed,
    perAddress: config.loginFailuresAllowed * 10,
    windowSeconds: config.loginThrottleWindowSeconds,
  });
  const emailThrottle = options.accountThrottle ?? memoryLoginThrottle(accountThrottleLimits(config.accounts));
  const auditEvents = options.authEvents ?? auditAuthEvents(db.kysely, logger);
  const events = options.metrics === undefined ? auditEvents : options.metrics.countLogins(auditEvents);
  const sealer = createTokenSealer(config.secretKey);

  // DRF's settings: TokenAuthentication and IsAuthenticated unless a route says otherwise.
  // Per-device mode: device tokens first, then account tokens (CLI, admin) as in DRF.
  // JWT_AUTH=true: SimpleJWT's JWTAuthentication after them, as the tutorial adds it.
  const tokenSchemes: AuthScheme[] = config.tokenMode === 'per-device'
    ? [deviceTokenAuthentication(db), tokenAuthentication(db)]
    : [tokenAuthentication(db)];
  const codec = config.jwt === null ? null : jwtCodec(config.jwt.signingKey);
  const defaultAccess: AccessPolicy = {
    authentication: codec === null ? tokenSchemes : [...tokenSchemes, jwtAuthentication(db, { codec, challenge: tokenSchemes[0]!.challenge })],
    permission: isAuthenticated,
  };

  // Every method Node's parser accepts reaches the views, which answer DRF's 405 (or 401)
  // for the ones they do not serve (CONNECT is a tunnel, not a request to a view).
  for (const method of METHODS) {
    if (method !== 'CONNECT' && !app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
  // A database outage is logged when it starts and when a probe finds it over (errors.ts).
  const outages = databaseOutageLog(logger, { probe: () => sql`select 1`.execute(db.kysely) });
  registerErrorHandler(app, { bodyLimit: config.bodyLimit, logger, outages });
  registerRawBodyParser(app, config.bodyLimit);
  await app.register(requestLogPlugin, { logger, summaryIntervalMs: options.logSummaryIntervalMs });
  if (options.metrics !== undefined) await app.register(metricsPlugin, { metrics: options.metrics });
  await app.register(middlewarePlugin, {
    allowedHosts: config.allowedHosts,
    corsAllowedOrigins: config.corsAllowedOrigins,
    logger,
  });
  await app.register(viewsPlugin, { readScope: db.readScope });
  await app.register(accessPlugin);
  await app.register(healthRoutes, { checks: { database: databaseCheck(db), ...options.readinessChecks } });

  await app.register(authRoutes, {
    db: db.kysely, sealer, throttle, access: defaultAccess, events,
    tokenMode: config.tokenMode, tokenTtlSeconds: config.tokenTtlSeconds,
  });
  if (config.jwt !== null && codec !== null) {
    await app.register(jwtRoutes, { db: db.kysely, settings: config.jwt, codec, throttle, events });
  }
  const outbox = createOutbox({
    db: db.kysely,
    logger,
    transport: options.mailTransport ?? (config.accounts.emailUrl === null ? fileTransport(config.accounts.outbox) : smtpTransport(config.accounts.emailUrl)),
  });
  app.addHook('onReady', async () => outbox.kick()); // what an earlier process left
  app.addHook('onClose', () => outbox.close());
  await app.register(accountRoutes, {
    db: db.kysely, config: config.accounts, secretKey: config.secretKey, sealer, outbox, events, access: defaultAccess,
    loginThrottle: throttle, emailThrottle, tokenMode: config.tokenMode, tokenTtlSeconds: config.tokenTtlSeconds,
    logLink: (to, link) => logger.info({ to, link }, `e-mail to ${to} written to ${config.accounts.outbox}: ${link}`),
  });
  const routers = [tesseraRouter(), ...(options.routers ?? [])];
  registerRouters(app, routers, { db, defaultAccess });
  await app.register(adminRoutes, { db, sealer, defaultAccess, throttle });

  if (config.apiDocs) await registerApiDocs(app, config, routers);

  // The web client: built files at /, and index.html for its own routes (/products, /admin).
  const webRoot = config.webRoot;
  const webIndex = webRoot === null ? null : join(webRoot, 'index.html');
  if (webRoot !== null && webIndex !== null && existsSync(webIndex)) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: true,
      index: ['index.html'],
      // Hashed asset names never change; index.html must always be revalidated.
      setHeaders(res, path) {
        const page = path.endsWith('.html');
        res.header('cache-control', page ? 'no-cache' : 'public, max-age=31536000, immutable');
        if (page) res.header('content-security-policy', CLIENT_PAGE_CSP);
      },
    });
  }

  app.setNotFoundHandler(function notFound(request, reply) {
    // No route, so no hook ran Django's middleware (a preflight to any path is answered).
    if (app.djangoMiddleware(request, reply, 'Origin')) return reply;
    const path = request.url.split('?')[0] ?? '';
    const wantsPage = (request.method === 'GET' || request.method === 'HEAD')
      && !path.startsWith('/api/') && path !== '/api'
      && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage && webIndex !== null && existsSync(webIndex)) {
      return reply.header('cache-control', 'no-cache').header('content-security-policy', CLIENT_PAGE_CSP).sendFile('index.html');
    }
    // Django's own 404 page for paths that are not routes (DEBUG = False).
    return reply.code(404).header('content-type', 'text/html').send(NOT_FOUND_PAGE);
  });

  app.addHook('onClose', async () => {
    outages.close();
    await Promise.all([throttle.close(), emailThrottle.close()]);
  });

  return app;
}
