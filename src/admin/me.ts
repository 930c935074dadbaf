// GET /api/admin/me/: whether the signed-in user may use the admin, asked by the web client
// after every sign-in. Any signed-in user gets 200 (`is_staff: false` for most), so the
// browser's console does not log a 403 for every user who is not staff, as asking the
// staff-only /api/admin/ would. The admin's own routes stay staff-only.
import type { FastifyInstance } from 'fastify';
import { isAuthenticated } from '../auth/permissions.js';
import type { AccessPolicy } from '../auth/plugin.js';
import { registerView } from '../http/view.js';

export async function adminMeRoutes(app: FastifyInstance, options: { readonly defaultAccess: AccessPolicy }): Promise<void> {
  registerView(app, {
    url: '/api/admin/me/',
    name: 'Admin Me',
    access: { authentication: options.defaultAccess.authentication, permission: isAuthenticated },
    async get(request) {
      const user = request.user!;
      return { status: 200, data: { id: user.id, username: user.username, is_staff: user.isStaff && user.isActive, is_superuser: user.isSuperuser } };
    },
  });
}
