// /api/admin/tokens/: staff see who has a token (a key prefix, never the key), make or
// replace one (the whole key is in that one response, as drf_create_token prints it) and
// revoke one. A superuser's token is a superuser's power: only a superuser touches it; and
// since the new key is handed to whoever asks, only a superuser makes one for another
// staff member (users.ts, assertMayTakeOver). Each write and its audit entry are one
// transaction (the token store runs on the handle it is given).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { hasToken, KEY_PREFIX_LENGTH, resetToken } from '../auth/token-store.js';
import type { TokenSealer } from '../auth/tokens.js';
import { findUserById } from '../auth/users.js';
import { auditRequestWrite } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { toApiDateTime } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { PyNumber, pythonTypeName } from '../http/python-json.js';
import { FieldError, validateData, type Field } from '../serializers/fields.js';
import { registerView } from '../http/view.js';
import { parseObjectId } from '../http/params.js';
import { pageOfQuery, searchCondition, searchTerms, type OrderingSpec } from './lists.js';
import type { AdminResourceOptions } from './options.js';
import { assertMayChange, assertMayTakeOver } from './users.js';
import { revokeAllCredentials, revokedAnything } from '../auth/sessions.js';

export interface AdminToken {
  readonly user: { readonly id: number; readonly username: string };
  readonly key_prefix: string;
  readonly created: string;
}

interface TokenRow {
  user_id: number;
  username: string;
  key_digest: string;
  key_sealed: string;
  created: string;
}

function tokensWithUsers(db: Kysely<Database>) {
  return db
    .selectFrom('tessera_token')
    .innerJoin('auth_user', 'auth_user.id', 'tessera_token.user_id')
    .select(['tessera_token.user_id', 'auth_user.username', 'tessera_token.key_digest', 'tessera_token.key_sealed', 'tessera_token.created']);
}

const TOKEN_ORDERING: OrderingSpec = {
  fields: { created: 'tessera_token.created', username: 'auth_user.username' },
  default: ['-created'],
  tieBreaker: 'tessera_token.id',
};

/**
 * The `user` field, as PrimaryKeyRelatedField.to_internal_value reads it: a pk as a number
 * or a numeric string; DRF's messages for a mistyped pk (a missing user is checked after).
 */
const userPkField: Field<number> = {
  required: true,
  parse(value) {
    if (value === null) throw new FieldError(['This field may not be null.']);
    if (value instanceof PyNumber) {
      const id = Number(value.text);
      if (Number.isSafeInteger(id)) return id;
      throw new FieldError([`Invalid pk "${value.text}" - object does not exist.`]);
    }
    const id = typeof value === 'string' ? parseObjectId(value) : null;
    if (id === null) throw new FieldError([`Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`]);
    return id;
  },
};

export interface AdminTokenRoutesOptions extends AdminResourceOptions {
  readonly sealer: TokenSealer;
}

export async function adminTokenRoutes(app: FastifyInstance, options: AdminTokenRoutesOptions): Promise<void> {
  const { sealer, access } = options;
  const db = options.db.kysely;
  const dialect = options.db.dialect;

  function toAdminToken(row: TokenRow): AdminToken {
    const key = sealer.open(row.key_sealed, row.key_digest);
    return {
      user: { id: row.user_id, username: row.username },
      // A key sealed under another SECRET_KEY no longer opens: it is shown as unknown.
      key_prefix: key === null ? '?'.repeat(KEY_PREFIX_LENGTH) : key.slice(0, KEY_PREFIX_LENGTH),
      created: toApiDateTime(row.created),
    };
  }

  async function findToken(on: Kysely<Database>, userId: number): Promise<AdminToken | null> {
    const row = await tokensWithUsers(on).where('tessera_token.user_id', '=', userId).executeTakeFirst();
    return row === undefined ? null : toAdminToken(row);
  }

  function userIdParam(request: FastifyRequest): number {
    const id = parseObjectId((request.params as { user_id?: string }).user_id);
    if (id === null) throw errors.notFound();
    return id;
  }

  registerView(app, {
    url: '/api/admin/tokens/',
    name: 'Token List',
    access,
    async get(request) {
      const terms = searchTerms(request);
      let query = tokensWithUsers(db);
      if (terms.length > 0) query = query.where((eb) => searchCondition(eb, dialect, ['auth_user.username'], terms));
      const page = await pageOfQuery(request, query, TOKEN_ORDERING, toAdminToken);
      return { status: 200, data: page };
    },
    async post(request, view) {
      const pk = validateData({ user: userPkField }, await view.data(), { partial: false }).user!;
      const user = await findUserById(db, pk);
      if (user === null) throw errors.validation({ user: [`Invalid pk "${pk}" - object does not exist.`] });
      const hadToken = await hasToken(db, user.id);
      const action = hadToken ? 'token_reset' : 'token_created';
      await assertMayTakeOver(db, request, user, { action, objectType: 'token', refusal: "Only a superuser can create or reset another staff user's token." });
      const { key, token } = await db.transaction().execute(async (trx) => {
        const created = await resetToken(trx, sealer, user.id);
        await auditRequestWrite(trx, request, action, { type: 'token', id: user.id, repr: user.username });
        return { key: created, token: (await findToken(trx, user.id))! };
      });
      return { status: 201, data: { user: token.user, key, key_prefix: key.slice(0, KEY_PREFIX_LENGTH), created: token.created } };
    },
  });

  registerView(app, {
    url: '/api/admin/tokens/:user_id/',
    name: 'Token Instance',
    access,
    async get(request) {
      const token = await findToken(db, userIdParam(request));
      if (token === null) throw errors.notFound();
      return { status: 200, data: token };
    },
    async delete(request) {
      const user = await findUserById(db, userIdParam(request));
      if (user === null) throw errors.notFound();
      assertMayChange(request.user!, user);
      await db.transaction().execute(async (trx) => {
        // The account token, every device's token (per-device mode) and every JWT refresh token.
        if (!revokedAnything(await revokeAllCredentials(trx, user.id))) throw errors.notFound();
        await auditRequestWrite(trx, request, 'token_revoked', { type: 'token', id: user.id, repr: user.username });
      });
      return { status: 204 };
    },
  });
}
