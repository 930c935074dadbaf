// tesseraAuth: Tessera's token authentication in a Fastify app that is not Tessera's.
//
//   await app.register(tesseraAuth, { db, secretKey, routes: true });
//   app.get('/api/hello/', { config: { permission: isAuthenticated } }, handler);
//
// What it adds to the host app, and what it leaves alone:
// - request.user (null or an AuthUser) and request.authenticatedBy on every request.
// - A route that states a permission in its config (or every route, with defaultPermission)
//   goes through checkAccess() (auth/plugin.ts) in its onRequest hook, before the body is
//   read: DRF's TokenAuthentication (auth/schemes.ts), then the permission, with DRF's
//   401-or-403 decision (permissionDenied). Refusals are written by the hook itself, as
//   DRF's bodies (`{"detail": ...}`, `WWW-Authenticate: Token`), not through the host's
//   error handler, which would write its own shape. Only the route's own permission is
//   checked; content negotiation, Allow and Django's headers stay the host's business.
// - A route without a permission (and no defaultPermission) is not touched: no header is
//   read, no query is made, request.user stays null. State `permission: allowAny` for
//   DRF's AllowAny: the user when the token is good, 401 when it is bad.
// - Routes are bound to their check when they are registered (Fastify's onRoute), so only
//   routes registered after tesseraAuth, in contexts created after it, are checked:
//   register it first, as any Fastify auth plugin.
// - Tessera's login and logout (routes: true) are Tessera's own views (auth/routes.ts) in
//   a child context of their own, with what they need scoped to it: the raw body parser,
//   Tessera's error handler, the views' decorations and Django's response headers. The
//   host's error handler and content-type parsers are never replaced.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { auditAuthEvents } from './audit/audit-log.js';
import type { TokenMode } from './config.js';
import type { Db } from './db/connect.js';
import { deviceTokenAuthentication } from './auth/device-tokens.js';
import type { AuthEvents } from './auth/events.js';
import { isAuthenticated, type Permission } from './auth/permissions.js';
import { accessPlugin, checkAccess, type AccessPolicy } from './auth/plugin.js';
import { loginRoutes, logoutRoutes, type AuthRoutesOptions } from './auth/routes.js';
import { tokenAuthentication, type AuthScheme } from './auth/schemes.js';
import { memoryLoginThrottle, type LoginThrottle } from './auth/throttle.js';
import { createTokenSealer } from './auth/tokens.js';
import { ApiError, registerErrorHandler } from './errors.js';
import { registerRawBodyParser } from './http/body.js';
import { middlewarePlugin } from './http/middleware.js';
import { jsonRenderer, stringifyJson } from './http/renderers.js';
import { viewsPlugin } from './http/view.js';
import { isPromise, type MaybePromise } from './maybe-promise.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route (tesseraAuth); absent: the route is not checked. */
    permission?: Permission;
  }
}

/** Which of Tessera's routes to serve; `true` is both. */
export interface TesseraAuthRoutes {
  /** POST /api/token-auth/ (DRF's obtain_auth_token). */
  readonly login?: boolean;
  /** POST /api/logout/ and /api/logout-all/ (and /api/devices/ in per-device mode). */
  readonly logout?: boolean;
  /** Fastify's route prefix for them: '/auth' serves /auth/api/token-auth/. */
  readonly prefix?: string;
}

export interface TesseraAuthOptions {
  /** Tessera's database (openDatabase()), migrated by the app with migrateToLatest(). */
  readonly db: Db;
  /** Seals stored keys so that login can return the same key again (auth/tokens.ts); 32+ characters. */
  readonly secretKey: string;
  /** Serve Tessera's login and logout; none by default. */
  readonly routes?: boolean | TesseraAuthRoutes;
  /** 'single' (DRF's, the default) or 'per-device' (see the README). */
  readonly tokenMode?: TokenMode;
  /** Per-device tokens' lifetime in seconds; null: no expiry. Default 30 days. */
  readonly tokenTtlSeconds?: number | null;
  /** The permission of routes that state none (DRF's DEFAULT_PERMISSION_CLASSES); default: not checked. */
  readonly defaultPermission?: Permission;
  /** Login throttling; default in memory, 20 failures per username (200 per address) in 5 minutes. */
  readonly throttle?: LoginThrottle;
  /** Where logins and logouts are recorded; default Tessera's audit log (and the app's log). */
  readonly events?: AuthEvents;
  /** Largest login body, in bytes (413 above it); default the app's bodyLimit. */
  readonly bodyLimit?: number;
  /** Where Tessera logs (5xx in its routes, auth events); default the app's logger. */
  readonly logger?: FastifyBaseLogger;
}

const DEFAULT_TOKEN_TTL_SECONDS = 30 * 86_400;
const DEFAULT_BODY_LIMIT = 1_048_576; // Fastify's own default

function routeHooks(route: { onRequest?: onRequestHookHandler | onRequestHookHandler[] }): onRequestHookHandler[] {
  return route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
}

/** The reply's serializer for an already rendered body. */
function asRendered(payload: unknown): string {
  return payload as string;
}

/** DRF's refusal as DRF writes it: status, WWW-Authenticate, compact JSON with a bare application/json. */
function sendRefusal(reply: FastifyReply, error: ApiError): void {
  reply.code(error.statusCode).headers(error.headers).header('content-type', jsonRenderer.contentType);
  reply.serializer(asRendered).send(stringifyJson(error.body));
}

function afterCheck(reply: FastifyReply, refusal: ApiError | undefined, done: HookHandlerDoneFunction): void {
  if (refusal === undefined) done();
  else sendRefusal(reply, refusal);
}

/** A scheme's throw: DRF's AuthenticationFailed is answered here; anything else is the host's error. */
function afterThrow(reply: FastifyReply, error: unknown, done: HookHandlerDoneFunction): void {
  if (error instanceof ApiError) sendRefusal(reply, error);
  else done(error as Error);
}

/** checkAccess() as a host route's onRequest hook. */
function routeAccessHook(policy: AccessPolicy): onRequestHookHandler {
  return function tesseraAccess(request, reply, done) {
    let refusal: MaybePromise<ApiError | undefined>;
    try {
      refusal = checkAccess(request, policy);
    } catch (error) {
      afterThrow(reply, error, done);
      return;
    }
    if (isPromise(refusal)) refusal.then((error) => afterCheck(reply, error, done), (error: unknown) => afterThrow(reply, error, done));
    else afterCheck(reply, refusal, done);
  };
}

function chosenRoutes(routes: TesseraAuthOptions['routes']): Required<TesseraAuthRoutes> {
  if (routes === undefined || routes === false) return { login: false, logout: false, prefix: '' };
  if (routes === true) return { login: true, logout: true, prefix: '' };
  return { login: routes.login ?? false, logout: routes.logout ?? false, prefix: routes.prefix ?? '' };
}

async function tesseraAuthPlugin(app: FastifyInstance, options: TesseraAuthOptions): Promise<void> {
  const { db } = options;
  if (typeof options.secretKey !== 'string' || options.secretKey.length < 32) {
    throw new Error('tesseraAuth: secretKey must be a string of at least 32 characters');
  }
  const tokenMode: TokenMode = options.tokenMode ?? 'single';
  if (tokenMode !== 'single' && tokenMode !== 'per-device') {
    throw new Error(`tesseraAuth: tokenMode must be 'single' or 'per-device', got ${JSON.stringify(tokenMode)}`);
  }
  const logger = options.logger ?? app.log;
  const routes = chosenRoutes(options.routes);
  const defaultPermission = options.defaultPermission;

  // As buildApp (app.ts): per-device tokens first, then account tokens (CLI, admin), as DRF tries its classes.
  const authentication: readonly AuthScheme[] = tokenMode === 'per-device'
    ? [deviceTokenAuthentication(db), tokenAuthentication(db)]
    : [tokenAuthentication(db)];

  await app.register(accessPlugin); // request.user, request.authenticatedBy: fp, so on the host

  app.addHook('onRoute', function tesseraRouteAccess(route) {
    if (route.config?.view !== undefined) return; // Tessera's own views check themselves
    const permission = route.config?.permission ?? defaultPermission;
    if (permission === undefined) return;
    route.onRequest = [routeAccessHook({ authentication, permission }), ...routeHooks(route)];
  });

  if (!routes.login && !routes.logout) return;

  let throttle = options.throttle;
  if (throttle === undefined) {
    const made = memoryLoginThrottle({ perUsername: 20, perAddress: 200, windowSeconds: 300 });
    app.addHook('onClose', async () => {
      await made.close();
    });
    throttle = made;
  }
  const routeOptions: AuthRoutesOptions = {
    db: db.kysely,
    tokenMode,
    tokenTtlSeconds: options.tokenTtlSeconds === undefined ? DEFAULT_TOKEN_TTL_SECONDS : options.tokenTtlSeconds,
    sealer: createTokenSealer(options.secretKey),
    throttle,
    access: { authentication, permission: isAuthenticated },
    events: options.events ?? auditAuthEvents(db.kysely, logger),
  };
  const bodyLimit = options.bodyLimit ?? app.initialConfig.bodyLimit ?? DEFAULT_BODY_LIMIT;

  // Encapsulated: the parser, error handler and decorations below reach these routes only.
  await app.register(async function tesseraAuthRoutes(child: FastifyInstance) {
    registerErrorHandler(child, { bodyLimit, logger });
    registerRawBodyParser(child, bodyLimit);
    child.decorateRequest('receivedAt', 0); // set by Django's middleware (http/request-log.ts)
    // Host checks and CORS are the host app's; the views still add Django's security headers.
    await child.register(middlewarePlugin, { allowedHosts: ['*'], corsAllowedOrigins: [], logger });
    await child.register(viewsPlugin, { readScope: db.readScope });
    if (routes.login) loginRoutes(child, routeOptions);
    if (routes.logout) logoutRoutes(child, routeOptions);
  }, { prefix: routes.prefix });
}

/**
 * Tessera's token authentication as a Fastify plugin for an existing app: request.user,
 * per-route `config.permission` with DRF's 401s and 403s, and (routes) Tessera's login
 * and logout. fastify-plugin, so its decorations and its route check reach the app.
 */
export const tesseraAuth = fp(tesseraAuthPlugin, { name: 'tessera-auth', fastify: '5.x' });
