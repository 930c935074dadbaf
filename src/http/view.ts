// API views, DRF's APIView in Fastify terms. A view is one URL with handlers per method,
// an access policy, renderers and parsers. Every request to it goes, in Django's and DRF's
// order, through the route's one onRequest hook, initial() (APIView.initial and dispatch):
//   Django's middleware: CORS preflight, Host check, security headers (http/middleware.ts)
//   content negotiation (406)
//   authentication, permission -> checkAccess() in auth/plugin.ts
//   method allowed? (405)
// then the handler, which reads the body lazily (415, 400 parse errors).
// Every response from a view, errors included, carries Allow and (with more than one
// renderer) Vary: Accept, and is rendered by the negotiated renderer.
//
// The per-request path is kept lean on purpose (see bench/README.md): one hook per request
// with the view bound to it (no route lookup, no global hook), refusals written by the hook
// itself rather than through Fastify's error path, and no promise anywhere when the
// database answers synchronously (SQLite): not in the access check, not in the handler.
// Routes that are not views (static files, API docs) get the middleware and their access
// check as onRequest hooks (viewsPlugin).
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { accessHook, checkAccess, type AccessPolicy } from '../auth/plugin.js';
import { ApiError, errors, sendApiError } from '../errors.js';
import { isPromise, type MaybePromise } from '../maybe-promise.js';
import { DEFAULT_PARSERS, readRequestData, type Parser, type RequestData } from './body.js';
import { selectRenderer, type Negotiated } from './negotiation.js';
import { browsableRenderer, jsonRenderer, type Renderer } from './renderers.js';

export interface ApiResponse {
  readonly status: number;
  /** undefined: no body and no Content-Type (DRF's Response(status=204)). */
  readonly data?: unknown;
}

/** A method's handler; it may answer at once (a SQLite read) or with a promise. */
export type ViewHandler = (request: FastifyRequest, view: ViewRequest) => MaybePromise<ApiResponse>;

/** What a handler can ask of its view. */
export interface ViewRequest {
  /** The parsed body; parsed on first call (DRF's request.data). */
  data(): Promise<RequestData>;
}

export type ActionMethod = 'POST' | 'PUT';

export interface ViewSpec {
  readonly url: string;
  /** DRF's get_view_name(), shown by OPTIONS. */
  readonly name: string;
  readonly description?: string;
  readonly access: AccessPolicy;
  readonly renderers?: readonly Renderer[];
  readonly parsers?: readonly Parser[];
  readonly get?: ViewHandler;
  readonly post?: ViewHandler;
  readonly put?: ViewHandler;
  readonly patch?: ViewHandler;
  readonly delete?: ViewHandler;
  /** OPTIONS "actions": the fields a POST or PUT takes, or null when it cannot be made. */
  readonly actions?: (request: FastifyRequest, method: ActionMethod) => Promise<Record<string, unknown> | null>;
}

interface CompiledView {
  readonly spec: ViewSpec;
  readonly renderers: readonly Renderer[];
  readonly parsers: readonly Parser[];
  readonly allowed: ReadonlySet<string>;
  readonly allowHeader: string;
  /** Vary on every response but a preflight's: "Accept, Origin" with several renderers. */
  readonly vary: string;
  /** The handler for each allowed method but OPTIONS (HEAD is GET's). */
  readonly handlers: ReadonlyMap<string, ViewHandler>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Db.readScope: the reads of a view's synchronous part share one read transaction. */
    viewReadScope: (work: () => void) => void;
    /** Every view's URL and methods, in registration order (the OpenAPI test checks them all). */
    readonly apiViews: Array<{ readonly url: string; readonly methods: readonly string[] }>;
  }
  interface FastifyContextConfig {
    view?: CompiledView;
  }
  interface FastifyRequest {
    negotiated: Negotiated | null;
  }
  interface FastifyReply {
    /** Renders a body (or none) with the negotiated renderer; the only writer of API bodies. */
    sendApiBody(data: unknown): FastifyReply;
  }
}

export const DEFAULT_RENDERERS: readonly Renderer[] = [jsonRenderer, browsableRenderer];

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function compile(spec: ViewSpec): CompiledView {
  const own = METHOD_ORDER.filter((method) => spec[method.toLowerCase() as Lowercase<typeof method>] !== undefined);
  // DRF's _allowed_methods: http_method_names order; HEAD wherever GET is; OPTIONS always.
  const allowed: string[] = [...own];
  if (own.includes('GET')) allowed.push('HEAD');
  allowed.push('OPTIONS');
  const renderers = spec.renderers ?? DEFAULT_RENDERERS;
  const handlers = new Map<string, ViewHandler>();
  for (const method of own) handlers.set(method, spec[method.toLowerCase() as Lowercase<typeof method>]!);
  if (spec.get !== undefined) handlers.set('HEAD', spec.get);
  return {
    spec,
    renderers,
    parsers: spec.parsers ?? DEFAULT_PARSERS,
    allowed: new Set(allowed),
    allowHeader: allowed.join(', '),
    vary: renderers.length > 1 ? 'Accept, Origin' : 'Origin',
    handlers,
  };
}

/** Content negotiation (throws 404 for an unknown ?format=, 406), and the view's Allow. */
function negotiate(request: FastifyRequest, reply: FastifyReply, view: CompiledView): void {
  reply.header('allow', view.allowHeader);
  const format = (request.query as Record<string, unknown> | undefined)?.format;
  request.negotiated = selectRenderer(view.renderers, request.headers.accept, typeof format === 'string' ? format : undefined);
}

function methodRefusal(request: FastifyRequest, view: CompiledView): ApiError | undefined {
  return view.allowed.has(request.method) ? undefined : errors.methodNotAllowed(request.method);
}

/** The reply's serializer for an already rendered body: the text as it is. */
function asRendered(payload: unknown): string {
  return payload as string;
}

function sendApiBody(this: FastifyReply, data: unknown): FastifyReply {
  if (data === undefined) {
    this.removeHeader('content-type');
    return this.send();
  }
  const request = this.request;
  const negotiated = request.negotiated;
  const renderer = negotiated?.renderer ?? jsonRenderer;
  this.header('content-type', renderer.contentType);
  // A body the handler already rendered as a stream (a long list, generics/viewsets.ts).
  if (data instanceof Readable) return this.send(data);
  const body = renderer.render(data, {
    acceptedMediaType: negotiated?.acceptedMediaType ?? jsonRenderer.parsedMediaType,
    statusCode: this.statusCode,
    method: request.method,
    url: request.url,
    allow: (this.getHeader('allow') as string | undefined) ?? null,
  });
  // Fastify appends "; charset=utf-8" to a JSON string's Content-Type unless the string
  // goes through the reply's serializer; DRF sends a bare "application/json". (A Buffer
  // would do too, at the price of a copy and a two-part socket write per response.)
  return this.serializer(asRendered).send(body);
}

function routeHooks(route: { onRequest?: onRequestHookHandler | onRequestHookHandler[] }): onRequestHookHandler[] {
  return route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
}

/**
 * The request and reply decorations views use; register it (after middlewarePlugin)
 * before any route. It also gives every route that is not a view what initial() does
 * for views: Django's middleware first, then the route's access check if it states one.
 */
export interface ViewsOptions {
  readonly readScope: (work: () => void) => void;
}

export const viewsPlugin = fp(
  async function views(app: FastifyInstance, options: ViewsOptions) {
    app.decorate('viewReadScope', options.readScope);
    app.decorate('apiViews', []);
    app.decorateRequest('negotiated', null);
    app.decorateReply('sendApiBody', sendApiBody);
    const middleware = app.djangoMiddleware;
    const middlewareHook: onRequestHookHandler = function djangoMiddleware(request, reply, done) {
      if (!middleware(request, reply, 'Origin')) done();
    };
    app.addHook('onRoute', function djangoPipeline(route) {
      if (route.config?.view !== undefined) return; // initial() does it all
      if (route.config?.probe === true) return; // /healthz, /readyz: answered for any Host (http/health.ts)
      const policy = route.config?.access;
      route.onRequest = policy === undefined
        ? [middlewareHook, ...routeHooks(route)]
        : [middlewareHook, accessHook(policy), ...routeHooks(route)];
    });
  },
  { name: 'tessera-views', dependencies: ['tessera-middleware'] },
);

async function optionsMetadata(request: FastifyRequest, view: CompiledView): Promise<Record<string, unknown>> {
  const { spec } = view;
  const metadata: Record<string, unknown> = {
    name: spec.name,
    description: spec.description ?? '',
    renders: view.renderers.map((renderer) => renderer.mediaType),
    parses: view.parsers.map((parser) => parser.mediaType),
  };
  if (spec.actions !== undefined) {
    // DRF's SimpleMetadata.determine_actions: only methods this user may call.
    const actions: Record<string, unknown> = {};
    for (const method of ['PUT', 'POST'] as const) {
      if (!view.allowed.has(method)) continue;
      if (!spec.access.permission.hasPermission({ user: request.user, method })) continue;
      const fields = await spec.actions(request, method);
      if (fields !== null) actions[method] = fields;
    }
    if (Object.keys(actions).length > 0) metadata.actions = actions;
  }
  return metadata;
}

/** Ends initial(): the access check's refusal or the method check's, written at once, or on to the handler. */
function afterAccess(request: FastifyRequest, reply: FastifyReply, view: CompiledView, refusal: ApiError | undefined, done: HookHandlerDoneFunction): void {
  const error = refusal ?? methodRefusal(request, view);
  if (error === undefined) done();
  else sendApiError(reply, error);
}

/** A throw in initial(): DRF's refusals are written at once; anything else is a bug for the error handler. */
function failInitial(reply: FastifyReply, error: unknown, done: HookHandlerDoneFunction): void {
  if (error instanceof ApiError) sendApiError(reply, error);
  else done(error as Error);
}

function sendResponse(reply: FastifyReply, response: ApiResponse): void {
  reply.code(response.status);
  reply.sendApiBody(response.data);
}

/** DRF's request.data: the body parsed on first use, then kept. */
class LazyRequestData implements ViewRequest {
  parsed: Promise<RequestData> | undefined = undefined;
  readonly request: FastifyRequest;
  readonly parsers: readonly Parser[];

  constructor(request: FastifyRequest, parsers: readonly Parser[]) {
    this.request = request;
    this.parsers = parsers;
  }

  data(): Promise<RequestData> {
    return (this.parsed ??= readRequestData(this.request, this.parsers));
  }
}

export function registerView(app: FastifyInstance, spec: ViewSpec): void {
  const view = compile(spec);
  app.apiViews.push({ url: spec.url, methods: [...view.handlers.keys()].filter((method) => method !== 'HEAD') });
  const access = spec.access;
  const middleware = app.djangoMiddleware;
  const readScope = app.viewReadScope;
  function dispatch(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    let refusal: MaybePromise<ApiError | undefined>;
    try {
      negotiate(request, reply, view);
      refusal = checkAccess(request, access);
    } catch (error) {
      failInitial(reply, error, done);
      return;
    }
    if (isPromise(refusal)) {
      refusal.then((error) => afterAccess(request, reply, view, error, done), (error: unknown) => failInitial(reply, error, done));
    } else {
      afterAccess(request, reply, view, refusal, done);
    }
  }
  app.route({
    method: app.supportedMethods,
    url: spec.url,
    config: { view, access },
    onRequest: function initial(request, reply, done) {
      if (middleware(request, reply, view.vary)) return; // a preflight or a bad Host, answered
      // On SQLite, done() runs the handler (and a GET's response) before it returns: the
      // token check and the handler's reads share one read transaction (db/connect.ts).
      readScope(() => dispatch(request, reply, done));
    },
    handler: function handleView(request, reply): Promise<void> | undefined {
      if (request.method === 'OPTIONS') {
        return optionsMetadata(request, view).then((metadata) => sendResponse(reply, { status: 200, data: metadata }));
      }
      // A throw here (a handler's ApiError) goes to the error handler, as a rejection would.
      const response = view.handlers.get(request.method)!(request, new LazyRequestData(request, view.parsers));
      if (isPromise(response)) {
        // Not returned to Fastify: a promise that resolves while a streamed body is still
        // being written would make Fastify send an empty reply on top of it (wrap-thenable.js).
        response.then((answer) => sendResponse(reply, answer), (error: unknown) => reply.send(error));
        return undefined;
      }
      sendResponse(reply, response);
      return undefined;
    },
  });
}
