// DRF's routers (rest_framework/routers.py): a router turns registered viewsets into URLs
// (`<prefix>/` and `<prefix>/{pk}/`); a DefaultRouter also lists them in its API root.
// Trailing slashes as DRF's default; a path without one is served the same (app.ts).
import type { FastifyInstance } from 'fastify';
import { registerView } from '../http/view.js';
import { registerViewSet, type ViewSet, type ViewSetContext } from './viewsets.js';

export interface RouterEntry {
  readonly prefix: string;
  readonly viewset: ViewSet;
  readonly list: string;
  readonly detail: string;
}

export interface Router {
  /** Where its URLs start, e.g. '/api/'. */
  readonly basePath: string;
  /** A DefaultRouter: its API root at basePath lists its viewsets. */
  readonly apiRoot: boolean;
  readonly entries: readonly RouterEntry[];
  register(prefix: string, viewset: ViewSet): Router;
}

function createRouter(basePath: string, apiRoot: boolean): Router {
  if (!basePath.startsWith('/') || !basePath.endsWith('/')) throw new Error(`A router's base path starts and ends with "/": ${basePath}`);
  const entries: RouterEntry[] = [];
  return {
    basePath,
    apiRoot,
    entries,
    register(prefix, viewset) {
      if (!/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/i.test(prefix)) throw new Error(`A router prefix is a path without slashes at its ends: ${prefix}`);
      // DRF's default lookup_value_regex: anything but a slash or a dot; other paths are no route (Django's 404 page).
      entries.push({ prefix, viewset, list: `${basePath}${prefix}/`, detail: `${basePath}${prefix}/:pk([^/.]+)/` });
      return this;
    },
  };
}

/** DRF's DefaultRouter: the viewsets' URLs and an API root listing them. */
export function defaultRouter(basePath = '/api/'): Router {
  return createRouter(basePath, true);
}

/** DRF's SimpleRouter: the viewsets' URLs only. */
export function simpleRouter(basePath = '/api/'): Router {
  return createRouter(basePath, false);
}

/**
 * Registers every router's viewsets, and one API root per base path for the default
 * routers there (several DefaultRouters on /api/ share one root, as DRF's include()s would
 * not: the first would shadow the rest).
 */
export function registerRouters(app: FastifyInstance, routers: readonly Router[], context: ViewSetContext): void {
  const roots = new Map<string, RouterEntry[]>();
  for (const router of routers) {
    for (const entry of router.entries) registerViewSet(app, entry, entry.viewset, context);
    if (router.apiRoot) roots.set(router.basePath, [...(roots.get(router.basePath) ?? []), ...router.entries]);
  }
  for (const [basePath, entries] of roots) {
    registerView(app, {
      url: basePath,
      name: 'Api Root',
      description: 'The default basic root view for DefaultRouter',
      access: context.defaultAccess,
      get(request) {
        const origin = `${request.protocol}://${request.host}`;
        return { status: 200, data: Object.fromEntries(entries.map((entry) => [entry.prefix, `${origin}${entry.list}`])) };
      },
    });
  }
}
