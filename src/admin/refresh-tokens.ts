// /api/admin/users/{id}/refresh-tokens/: a user's JWT refresh tokens (SimpleJWT's
// outstanding tokens, with when each was blacklisted), and blacklisting one, as Django's
// admin shows the token_blacklist app. The same rule as the user's other tokens: only a
// superuser touches a superuser's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { blacklistOutstanding, listOutstanding, type OutstandingToken } from '../auth/jwt/blacklist.js';
import { findUserById, type User } from '../auth/users.js';
import { auditRequestWrite } from '../audit/audit-log.js';
import { toApiDateTime } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { parseObjectId } from '../http/params.js';
import { registerView } from '../http/view.js';
import type { AdminResourceOptions } from './options.js';
import { assertMayChange } from './users.js';

export interface AdminRefreshToken {
  readonly id: number;
  readonly jti: string;
  readonly created_at: string | null;
  readonly expires_at: string;
  readonly blacklisted_at: string | null;
}

function toAdminRefreshToken(token: OutstandingToken): AdminRefreshToken {
  return {
    id: token.id,
    jti: token.jti,
    created_at: token.created_at === null ? null : toApiDateTime(token.created_at),
    expires_at: toApiDateTime(token.expires_at),
    blacklisted_at: token.blacklisted_at === null ? null : toApiDateTime(token.blacklisted_at),
  };
}

export async function adminRefreshTokenRoutes(app: FastifyInstance, options: AdminResourceOptions): Promise<void> {
  const db = options.db.kysely;

  async function targetUser(request: FastifyRequest): Promise<User> {
    const id = parseObjectId((request.params as { id?: string }).id);
    const user = id === null ? null : await findUserById(db, id);
    if (user === null) throw errors.notFound();
    return user;
  }

  registerView(app, {
    url: '/api/admin/users/:id/refresh-tokens/',
    name: 'Refresh Token List',
    access: options.access,
    async get(request) {
      const user = await targetUser(request);
      return { status: 200, data: (await listOutstanding(db, user.id)).map(toAdminRefreshToken) };
    },
  });

  registerView(app, {
    url: '/api/admin/users/:id/refresh-tokens/:token_id/blacklist/',
    name: 'Refresh Token Blacklist',
    access: options.access,
    async post(request) {
      const user = await targetUser(request);
      assertMayChange(request.user!, user);
      const tokenId = parseObjectId((request.params as { token_id?: string }).token_id);
      const token = await db.transaction().execute(async (trx) => {
        if (tokenId === null || !(await blacklistOutstanding(trx, user.id, tokenId))) return null;
        const blacklisted = (await listOutstanding(trx, user.id)).find((row) => row.id === tokenId)!;
        await auditRequestWrite(trx, request, 'token_revoked', { type: 'token', id: user.id, repr: user.username }, { refresh_token: blacklisted.jti });
        return blacklisted;
      });
      if (token === null) throw errors.notFound();
      return { status: 200, data: toAdminRefreshToken(token) };
    },
  });
}
