// The access check every API route goes through, in DRF's order: authentication schemes
// (the first that recognizes the request wins), then the route's permission. It runs in
// onRequest, before the body is read, so an unauthenticated body is never parsed.
// The 401-or-403 decision lives here and nowhere else (DRF's APIView.permission_denied).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors, type ApiError } from '../errors.js';
import type { Permission } from './permissions.js';
import type { AuthScheme, AuthUser } from './schemes.js';

/** What a route states about who may call it. */
export interface AccessPolicy {
  readonly authentication: readonly AuthScheme[];
  readonly permission: Permission;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessPolicy;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    authenticatedBy: AuthScheme | null;
  }
}

export function permissionDenied(request: FastifyRequest, policy: AccessPolicy, permission: Permission): ApiError {
  // Not authenticated and a scheme could have authenticated it: ask for credentials.
  if (policy.authentication.length > 0 && request.authenticatedBy === null) {
    return errors.notAuthenticated(policy.authentication[0]!.challenge);
  }
  return errors.permissionDenied(permission.message);
}

async function checkAccess(request: FastifyRequest): Promise<void> {
  const policy = request.routeOptions.config.access;
  if (policy === undefined) return;
  for (const scheme of policy.authentication) {
    const user = await scheme.authenticate(request);
    if (user !== null) {
      request.user = user;
      request.authenticatedBy = scheme;
      break;
    }
  }
  if (!policy.permission.hasPermission({ user: request.user, method: request.method })) {
    throw permissionDenied(request, policy, policy.permission);
  }
}

export const accessPlugin = fp(
  async function access(app: FastifyInstance) {
    app.decorateRequest('user', null);
    app.decorateRequest('authenticatedBy', null);
    app.addHook('onRequest', checkAccess);
  },
  { name: 'tessera-access' },
);
