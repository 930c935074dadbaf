// Permissions as composable values (DRF's permission classes and their &, |, ~ operators,
// without the metaclass): a route states one Permission in its config.
import type { AuthUser } from './schemes.js';

export interface PermissionContext {
  readonly user: AuthUser | null;
  readonly method: string;
}

export interface Permission {
  hasPermission(context: PermissionContext): boolean;
  /** The 403 detail when this permission refuses an authenticated request. */
  readonly message?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const allowAny: Permission = {
  hasPermission: () => true,
};

export const isAuthenticated: Permission = {
  hasPermission: ({ user }) => user !== null,
};

/** Django's is_staff (DRF's IsAdminUser). */
export const isAdminUser: Permission = {
  hasPermission: ({ user }) => user !== null && user.isStaff,
};

export const isSuperuser: Permission = {
  hasPermission: ({ user }) => user !== null && user.isSuperuser,
};

export const isAuthenticatedOrReadOnly: Permission = {
  hasPermission: ({ user, method }) => SAFE_METHODS.has(method) || user !== null,
};

export const readOnly: Permission = {
  hasPermission: ({ method }) => SAFE_METHODS.has(method),
};

export function and(...permissions: Permission[]): Permission {
  return { hasPermission: (context) => permissions.every((permission) => permission.hasPermission(context)) };
}

export function or(...permissions: Permission[]): Permission {
  return { hasPermission: (context) => permissions.some((permission) => permission.hasPermission(context)) };
}

export function not(permission: Permission): Permission {
  return { hasPermission: (context) => !permission.hasPermission(context) };
}
