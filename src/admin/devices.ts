// /api/admin/devices/: staff see every per-device token (TOKEN_MODE=per-device): whose it
// is, the device's name, when it was made and when it expires (never the key, which is
// stored only as its SHA-256), and sign one device out. The key's last use is not
// recorded, so it is not listed. A superuser's devices are a superuser's to sign out, as
// their account token is (tokens.ts). Each sign-out is in the audit log as token_revoked.
import type { FastifyInstance } from 'fastify';
import { auditRequestWrite } from '../audit/audit-log.js';
import { findUserById } from '../auth/users.js';
import { nowTimestamp, toApiDateTime } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { parseObjectId } from '../http/params.js';
import { registerView } from '../http/view.js';
import { pageOfQuery, searchCondition, searchTerms, type OrderingSpec } from './lists.js';
import type { AdminResourceOptions } from './options.js';
import { assertMayChange } from './users.js';

export interface AdminDevice {
  readonly id: number;
  readonly user: { readonly id: number; readonly username: string };
  readonly name: string;
  readonly created: string;
  readonly expires: string | null;
}

const DEVICE_ORDERING: OrderingSpec = {
  fields: { created: 'tessera_device_token.created', expires: 'tessera_device_token.expires', username: 'auth_user.username', name: 'tessera_device_token.name' },
  default: ['-created'],
  tieBreaker: 'tessera_device_token.id',
};

export async function adminDeviceRoutes(app: FastifyInstance, options: AdminResourceOptions): Promise<void> {
  const { access } = options;
  const db = options.db.kysely;
  const dialect = options.db.dialect;

  registerView(app, {
    url: '/api/admin/devices/',
    name: 'Device Token List',
    access,
    async get(request) {
      const terms = searchTerms(request);
      // Expired tokens no longer sign anyone in; they are dropped at the user's next login.
      let query = db
        .selectFrom('tessera_device_token')
        .innerJoin('auth_user', 'auth_user.id', 'tessera_device_token.user_id')
        .select(['tessera_device_token.id', 'tessera_device_token.user_id', 'auth_user.username', 'tessera_device_token.name', 'tessera_device_token.created', 'tessera_device_token.expires'])
        .where((eb) => eb.or([eb('tessera_device_token.expires', 'is', null), eb('tessera_device_token.expires', '>', nowTimestamp())]));
      if (terms.length > 0) query = query.where((eb) => searchCondition(eb, dialect, ['auth_user.username', 'tessera_device_token.name'], terms));
      const page = await pageOfQuery(request, query, DEVICE_ORDERING, (row): AdminDevice => ({
        id: row.id,
        user: { id: row.user_id, username: row.username },
        name: row.name,
        created: toApiDateTime(row.created),
        expires: row.expires === null ? null : toApiDateTime(row.expires),
      }));
      return { status: 200, data: page };
    },
  });

  registerView(app, {
    url: '/api/admin/devices/:id/',
    name: 'Device Token Instance',
    access,
    async delete(request) {
      const id = parseObjectId((request.params as { id?: string }).id);
      if (id === null) throw errors.notFound();
      const row = await db.selectFrom('tessera_device_token').select(['user_id', 'name']).where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw errors.notFound();
      const user = await findUserById(db, row.user_id);
      if (user === null) throw errors.notFound();
      assertMayChange(request.user!, user);
      await db.deleteFrom('tessera_device_token').where('id', '=', id).execute();
      await auditRequestWrite(db, request, 'token_revoked', { type: 'token', id: user.id, repr: user.username }, { device: row.name });
      return { status: 204 };
    },
  });
}
