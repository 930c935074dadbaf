// The access check every API route goes through, in DRF's order: authentication schemes
// (the first that recognizes the request wins), then the route's permission. It runs in
// onRequest, before the body is read, so an unauthenticated body is never parsed.
// The 401-or-403 decision lives here and nowhere else (DRF's APIView.permission_denied).
//
// The check is bound to a route's policy when the route is registered: a view runs it
// inside its DRF initial() hook, after content negotiation, and every other route with an
// access policy gets accessHook() after Django's middleware (both in http/view.ts).
// Nothing is looked up per request, and when every scheme answers synchronously (a token
// looked up in SQLite), the check costs no promise.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { errors, type ApiError } from '../errors.js';
import { isPromise, type MaybePromise } from '../maybe-promise.js';
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

function permissionRefusal(request: FastifyRequest, policy: AccessPolicy): ApiError | undefined {
  // The request is the permission's context (its user and method): nothing to allocate.
  return policy.permission.hasPermission(request)
    ? undefined
    : permissionDenied(request, policy, policy.permission);
}

async function continueAsync(
  request: FastifyRequest,
  policy: AccessPolicy,
  index: number,
  pending: Promise<AuthUser | null>,
): Promise<ApiError | undefined> {
  const schemes = policy.authentication;
  let user = await pending;
  for (;;) {
    if (user !== null) {
      request.user = user;
      request.authenticatedBy = schemes[index]!;
      break;
    }
    if (++index >= schemes.length) break;
    user = await schemes[index]!.authenticate(request);
  }
  return permissionRefusal(request, policy);
}

/**
 * Authenticates the request with the policy's schemes and checks its permission. Returns
 * the refusal (401 or 403) or undefined, or a promise of either when a scheme answered
 * with a promise; throws what a scheme throws (DRF's AuthenticationFailed).
 */
export function checkAccess(request: FastifyRequest, policy: AccessPolicy): MaybePromise<ApiError | undefined> {
  const schemes = policy.authentication;
  for (let index = 0; index < schemes.length; index++) {
    const user = schemes[index]!.authenticate(request);
    if (isPromise(user)) return continueAsync(request, policy, index, user);
    if (user !== null) {
      request.user = user;
      request.authenticatedBy = schemes[index]!;
      break;
    }
  }
  return permissionRefusal(request, policy);
}

/** checkAccess() as an onRequest hook for one policy. */
export function accessHook(policy: AccessPolicy): onRequestHookHandler {
  return function checkRouteAccess(request, _reply, done) {
    let refusal: MaybePromise<ApiError | undefined>;
    try {
      refusal = checkAccess(request, policy);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (isPromise(refusal)) refusal.then((error) => done(error), done);
    else done(refusal);
  };
}

/** The request decorations the access check fills in. */
export const accessPlugin = fp(
  async function access(app: FastifyInstance) {
    app.decorateRequest('user', null);
    app.decorateRequest('authenticatedBy', null);
  },
  { name: 'tessera-access' },
);
