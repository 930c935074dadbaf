// The admin API under /api/admin/ (docs/admin-api.md): active staff only (DRF's
// IsAdminUser over the default TokenAuthentication), one module per resource.
import type { FastifyInstance } from 'fastify';
import { isAdminUser } from '../auth/permissions.js';
import type { AccessPolicy } from '../auth/plugin.js';
import type { TokenSealer } from '../auth/tokens.js';
import type { Db } from '../db/connect.js';
import { registerRouters, simpleRouter, type Router } from '../generics/routers.js';
import { registerView } from '../http/view.js';
import { adminProductViewSet } from '../products/resource.js';
import type { LoginThrottle } from '../auth/throttle.js';
import { adminAuditRoutes } from './audit-log.js';
import { adminRefreshTokenRoutes } from './refresh-tokens.js';
import { adminDeviceRoutes } from './devices.js';
import { adminMeRoutes } from './me.js';
import { adminThrottleRoutes } from './throttles.js';
import { adminTokenRoutes } from './tokens.js';
import { adminUserRoutes } from './users.js';

/** The resources the admin serves through the generics layer (staff only, paged, audited). */
export function adminRouter(): Router {
  return simpleRouter('/api/admin/').register('products', adminProductViewSet);
}

export interface AdminRoutesOptions {
  readonly db: Db;
  readonly sealer: TokenSealer;
  /** The app's default policy; the admin keeps its authentication and requires staff. */
  readonly defaultAccess: AccessPolicy;
  /** The login throttle, for staff to clear a username's (throttles.ts). */
  readonly throttle?: LoginThrottle;
}

export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { db, sealer } = options;
  const access: AccessPolicy = { authentication: options.defaultAccess.authentication, permission: isAdminUser };

  registerView(app, {
    url: '/api/admin/',
    name: 'Admin Root',
    access,
    async get(request) {
      const base = `${request.protocol}://${request.host}/api/admin`;
      const user = request.user!;
      return {
        status: 200,
        data: {
          users: `${base}/users/`,
          tokens: `${base}/tokens/`,
          products: `${base}/products/`,
          audit_log: `${base}/audit-log/`,
          me: { id: user.id, username: user.username, is_superuser: user.isSuperuser },
        },
      };
    },
  });
  await app.register(adminUserRoutes, { db, access });
  await app.register(adminTokenRoutes, { db, sealer, access });
  await app.register(adminRefreshTokenRoutes, { db, access });
  registerRouters(app, [adminRouter()], { db, defaultAccess: access });
  await app.register(adminAuditRoutes, { db, access });
  await app.register(adminDeviceRoutes, { db, access });
  await app.register(adminMeRoutes, { defaultAccess: options.defaultAccess });
  if (options.throttle) await app.register(adminThrottleRoutes, { db, access, throttle: options.throttle });
}
