// Permissions as composable values (DRF's permission classes and their &, |, ~ operators,
// without the metaclass): a route states one Permission in its config. A permission may
// also judge one object (DRF's has_object_permission), which the generic views call from
// get_object() once the object is found; the composition rules are DRF 3.14's.
import type { AuthUser } from './schemes.js';

export interface PermissionContext {
  readonly user: AuthUser | null;
  readonly method: string;
}

/** A row as the generic views hold it: column names to stored values. */
export type ObjectRow = Readonly<Record<string, unknown>>;

export interface Permission {
  hasPermission(context: PermissionContext): boolean;
  /** DRF's has_object_permission; absent means true (BasePermission's default). */
  hasObjectPermission?(context: PermissionContext, object: ObjectRow): boolean;
  /** The 403 detail when this permission refuses an authenticated request. */
  readonly message?: string;
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** has_object_permission of any permission, with BasePermission's default. */
export function hasObjectPermission(permission: Permission, context: PermissionContext, object: ObjectRow): boolean {
  return permission.hasObjectPermission === undefined || permission.hasObjectPermission(context, object);
}

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

/**
 * The tutorial's IsOwnerOrReadOnly: anyone who may see an object may read it; only the
 * user whose id is in `ownerColumn` may change or delete it.
 */
export function isOwnerOrReadOnly(ownerColumn = 'owner_id'): Permission {
  return {
    hasPermission: () => true,
    hasObjectPermission: ({ user, method }, object) => SAFE_METHODS.has(method) || (user !== null && object[ownerColumn] === user.id),
  };
}

// DRF 3.14's operators: AND and NOT judge objects the obvious way; OR lets an object
// through when one side allows both the request and the object (rest_framework/permissions.py).
export function and(...permissions: Permission[]): Permission {
  const withObjects = permissions.filter((permission) => permission.hasObjectPermission !== undefined);
  return {
    hasPermission: (context) => permissions.every((permission) => permission.hasPermission(context)),
    ...(withObjects.length === 0 ? {} : {
      hasObjectPermission: (context: PermissionContext, object: ObjectRow) => withObjects.every((permission) => permission.hasObjectPermission!(context, object)),
    }),
  };
}

export function or(...permissions: Permission[]): Permission {
  return {
    hasPermission: (context) => permissions.some((permission) => permission.hasPermission(context)),
    hasObjectPermission: (context, object) => permissions.some((permission) =>
      permission.hasPermission(context) && hasObjectPermission(permission, context, object)),
  };
}

export function not(permission: Permission): Permission {
  return {
    hasPermission: (context) => !permission.hasPermission(context),
    hasObjectPermission: (context, object) => !hasObjectPermission(permission, context, object),
  };
}
