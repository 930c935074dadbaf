// API views, DRF's APIView in Fastify terms. A view is one URL with handlers per method,
// an access policy, renderers and parsers. Every request to it goes, in DRF's order, through
// the route's one onRequest hook, initial() (DRF's APIView.initial and dispatch):
//   content negotiation (406)
//   authentication, permission -> checkAccess() in auth/plugin.ts
//   method allowed? (405)
// then the handler, which reads the body lazily (415, 400 parse errors).
// Every response from a view, errors included, carries Allow and (with more than one
// renderer) Vary: Accept, and is rendered by the negotiated renderer.
//
// The per-request path is kept lean on purpose (see bench/README.md): one route hook with
// the view bound to it (no route lookup per request), no promise when the access check
// answers synchronously, and one promise chain from the view's handler to the reply.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { checkAccess, type AccessPolicy } from '../auth/plugin.js';
import type { ApiError } from '../errors.js';
import { errors } from '../errors.js';
import { DEFAULT_PARSERS, readRequestData, type Parser, type RequestData } from './body.js';
import { selectRenderer, type Negotiated } from './negotiation.js';
import { browsableRenderer, jsonRenderer, type Renderer } from './renderers.js';

export interface ApiResponse {
  readonly status: number;
  /** undefined: no body and no Content-Type (DRF's Response(status=204)). */
  readonly data?: unknown;
}

export type ViewHandler = (request: FastifyRequest, view: ViewRequest) => Promise<ApiResponse>;

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
  readonly vary: string | null;
  /** The handler for each allowed method but OPTIONS (HEAD is GET's). */
  readonly handlers: ReadonlyMap<string, ViewHandler>;
}

declare module 'fastify' {
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
    vary: renderers.length > 1 ? 'Accept' : null,
    handlers,
  };
}

/** Content negotiation (throws 404 for an unknown ?format=, 406), and the view's headers. */
function negotiate(request: FastifyRequest, reply: FastifyReply, view: CompiledView): void {
  reply.header('allow', view.allowHeader);
  if (view.vary !== null) {
    // DRF adds Accept in the view; CORS adds Origin afterwards: "Vary: Accept, Origin".
    const existing = reply.getHeader('vary');
    reply.header('vary', existing === undefined ? view.vary : `${view.vary}, ${String(existing)}`);
  }
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

/** Registers the request and reply decorations views use; views need it registered first. */
export const viewsPlugin = fp(
  async function views(app: FastifyInstance) {
    app.decorateRequest('negotiated', null);
    app.decorateReply('sendApiBody', sendApiBody);
  },
  { name: 'tessera-views' },
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

export function registerView(app: FastifyInstance, spec: ViewSpec): void {
  const view = compile(spec);
  const access = spec.access;
  app.route({
    method: app.supportedMethods,
    url: spec.url,
    config: { view, access, accessCheckedByRoute: true },
    onRequest: function initial(request, reply, done) {
      let refusal: ApiError | undefined | Promise<ApiError | undefined>;
      try {
        negotiate(request, reply, view);
        refusal = checkAccess(request, access);
      } catch (error) {
        done(error as Error);
        return;
      }
      if (refusal instanceof Promise) {
        refusal.then((error) => done(error ?? methodRefusal(request, view)), done);
      } else {
        done(refusal ?? methodRefusal(request, view));
      }
    },
    handler: function handleView(request, reply): Promise<void> {
      if (request.method === 'OPTIONS') {
        return optionsMetadata(request, view).then((metadata) => {
          reply.code(200);
          reply.sendApiBody(metadata);
        });
      }
      let parsed: Promise<RequestData> | undefined;
      const viewRequest: ViewRequest = {
        data: () => (parsed ??= readRequestData(request, view.parsers)),
      };
      // Resolving with undefined (not the reply, a thenable) saves Fastify a promise step.
      return view.handlers.get(request.method)!(request, viewRequest).then((response: ApiResponse) => {
        reply.code(response.status);
        reply.sendApiBody(response.data);
      });
    },
  });
}

