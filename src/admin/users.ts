// /api/admin/users/: staff manage accounts. Django's rules on top of IsAdminUser: only a
// superuser touches a superuser (or makes one), and nobody locks themselves out by
// deleting, deactivating or un-staffing their own account. Beyond Django: only a superuser
// sets another staff member's password (or gives them a new token, tokens.ts), since that
// would let one staff user act as another. Every write and its audit entry are one
// transaction.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/passwords.js';
import { passwordProblems } from '../auth/password-validation.js';
import type { AuthUser } from '../auth/schemes.js';
import { isUniqueViolation } from '../auth/token-store.js';
import { insertUser, toUser, usernameProblem, USERNAME_MAX_LENGTH, type User } from '../auth/users.js';
import { auditRequestWrite, type AuditAction, type AuditObjectType } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { toApiDateTime } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { registerView, type ApiResponse, type ViewRequest } from '../http/view.js';
import { parseObjectId } from '../http/params.js';
import { booleanField, charField, emailField, validateData, type Parsed } from '../serializers/fields.js';
import { booleanFilter, pageOfQuery, searchCondition, searchTerms, type OrderingSpec } from './lists.js';
import type { AdminResourceOptions } from './options.js';
import { blacklistUserTokens } from '../auth/jwt/blacklist.js';

const NAME_MAX_LENGTH = 150;
const EMAIL_MAX_LENGTH = 254;

const profileFields = {
  username: charField({ maxLength: USERNAME_MAX_LENGTH }),
  email: emailField({ maxLength: EMAIL_MAX_LENGTH }),
  first_name: charField({ required: false, allowBlank: true, maxLength: NAME_MAX_LENGTH }),
  last_name: charField({ required: false, allowBlank: true, maxLength: NAME_MAX_LENGTH }),
  is_active: booleanField(),
  is_staff: booleanField(),
  is_superuser: booleanField(),
};
type ProfileFields = Parsed<typeof profileFields>;

// DRF's CharField trims by default; a password is taken as typed.
const passwordField = charField({ trimWhitespace: false });
const createFields = { ...profileFields, password: passwordField };
const setPasswordFields = { password: passwordField };

const EDITABLE = ['username', 'email', 'first_name', 'last_name', 'is_active', 'is_staff', 'is_superuser'] as const;

/** A user as the admin API shows it: never the password hash. */
export type AdminUser = Omit<User, 'password'> & { readonly has_token: boolean };

function toAdminUser(user: User, hasToken: boolean): AdminUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    is_active: user.is_active,
    is_staff: user.is_staff,
    is_superuser: user.is_superuser,
    date_joined: toApiDateTime(user.date_joined),
    last_login: user.last_login === null ? null : toApiDateTime(user.last_login),
    has_token: hasToken,
  };
}

const USER_COLUMNS = [
  'auth_user.id', 'auth_user.password', 'auth_user.last_login', 'auth_user.is_superuser', 'auth_user.username',
  'auth_user.first_name', 'auth_user.last_name', 'auth_user.email', 'auth_user.is_staff', 'auth_user.is_active',
  'auth_user.date_joined',
] as const;

function usersWithTokens(db: Kysely<Database>) {
  return db
    .selectFrom('auth_user')
    .leftJoin('tessera_token', 'tessera_token.user_id', 'auth_user.id')
    .select([...USER_COLUMNS, 'tessera_token.id as token_id']);
}

async function findAdminUser(db: Kysely<Database>, id: number): Promise<AdminUser | null> {
  const row = await usersWithTokens(db).where('auth_user.id', '=', id).executeTakeFirst();
  return row === undefined ? null : toAdminUser(toUser(row), row.token_id !== null);
}

const USER_ORDERING: OrderingSpec = {
  fields: {
    id: 'auth_user.id',
    username: 'auth_user.username',
    email: 'auth_user.email',
    date_joined: 'auth_user.date_joined',
    last_login: 'auth_user.last_login',
  },
  default: ['id'],
  tieBreaker: 'auth_user.id',
};
const USER_SEARCH = ['auth_user.username', 'auth_user.email', 'auth_user.first_name', 'auth_user.last_name'];

export const ONLY_SUPERUSER = 'Only a superuser can change a superuser.';

/** 403 unless the actor may change this user (a superuser only by a superuser). */
export function assertMayChange(actor: AuthUser, target: { is_superuser: boolean }): void {
  if (target.is_superuser && !actor.isSuperuser) throw errors.permissionDenied(ONLY_SUPERUSER);
}

/** The account whose credentials a request would take over (a new password or key). */
export interface CredentialTarget {
  readonly id: number;
  readonly username: string;
  readonly is_staff: boolean;
  readonly is_superuser: boolean;
}

/**
 * 403 unless the actor may take over the target's credentials: whoever sets a user's
 * password, or is handed their new key, can act as that user. Staff may do it for
 * themselves and for users who are not staff; for another staff member's account only a
 * superuser may (Django's admin leaves this to its model permissions, which Tessera does
 * not have). A refusal is recorded in the audit log as `permission_denied`, with the
 * action attempted.
 */
export async function assertMayTakeOver(
  db: Kysely<Database>,
  request: FastifyRequest,
  target: CredentialTarget,
  attempt: { readonly action: AuditAction; readonly objectType: AuditObjectType; readonly refusal: string },
): Promise<void> {
  const actor = request.user!;
  if (actor.isSuperuser || (!target.is_superuser && (!target.is_staff || target.id === actor.id))) return;
  await auditRequestWrite(db, request, 'permission_denied', { type: attempt.objectType, id: target.id, repr: target.username }, { attempted: attempt.action });
  throw errors.permissionDenied(target.is_superuser ? ONLY_SUPERUSER : attempt.refusal);
}

/** The model-level checks a ModelSerializer adds: the username's pattern and uniqueness. */
async function usernameErrors(db: Kysely<Database>, username: string | undefined, exceptId: number | null): Promise<string[]> {
  if (username === undefined) return [];
  const problem = usernameProblem(username);
  if (problem !== null) return [problem];
  let taken = db.selectFrom('auth_user').select('id').where('username', '=', username);
  if (exceptId !== null) taken = taken.where('id', '!=', exceptId);
  return (await taken.executeTakeFirst()) === undefined ? [] : ['A user with that username already exists.'];
}

function usernameTaken(): Error {
  return errors.validation({ username: ['A user with that username already exists.'] });
}

export async function adminUserRoutes(app: FastifyInstance, options: AdminResourceOptions): Promise<void> {
  const { access } = options;
  const db = options.db.kysely;
  const dialect = options.db.dialect;

  async function existing(request: FastifyRequest): Promise<AdminUser> {
    const id = parseObjectId((request.params as { id?: string }).id);
    const user = id === null ? null : await findAdminUser(db, id);
    if (user === null) throw errors.notFound();
    return user;
  }

  registerView(app, {
    url: '/api/admin/users/',
    name: 'User List',
    access,
    async get(request) {
      const terms = searchTerms(request);
      const flags = {
        'auth_user.is_active': booleanFilter(request, 'is_active'),
        'auth_user.is_staff': booleanFilter(request, 'is_staff'),
        'auth_user.is_superuser': booleanFilter(request, 'is_superuser'),
      } as const;
      let query = usersWithTokens(db);
      for (const [column, value] of Object.entries(flags)) {
        if (value !== undefined) query = query.where(column as 'auth_user.is_active', '=', value);
      }
      if (terms.length > 0) query = query.where((eb) => searchCondition(eb, dialect, USER_SEARCH, terms));
      const page = await pageOfQuery(request, query, USER_ORDERING, (row) => toAdminUser(toUser(row), row.token_id !== null));
      return { status: 200, data: page };
    },
    async post(request, view) {
      const actor = request.user!;
      const fields = validateData(createFields, await view.data(), { partial: false });
      const fieldErrors: Record<string, string[]> = {};
      const usernameMessages = await usernameErrors(db, fields.username, null);
      if (usernameMessages.length > 0) fieldErrors.username = usernameMessages;
      const passwordMessages = passwordProblems(fields.password!, fields.username!);
      if (passwordMessages.length > 0) fieldErrors.password = passwordMessages;
      if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
      if (fields.is_superuser === true && !actor.isSuperuser) throw errors.permissionDenied(ONLY_SUPERUSER);

      const passwordHash = await hashPassword(fields.password!);
      const { password: _password, ...profile } = fields;
      let id: number;
      try {
        id = await db.transaction().execute(async (trx) => {
          // insertUser applies the model's defaults; the entry records what was set.
          const user = await insertUser(trx, { ...profile, username: profile.username!, passwordHash });
          const set = Object.fromEntries(EDITABLE.map((name) => [name, user[name]]));
          await auditRequestWrite(trx, request, 'user_created', { type: 'user', id: user.id, repr: user.username }, set);
          return user.id;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw usernameTaken();
        throw error;
      }
      return { status: 201, data: await findAdminUser(db, id) };
    },
  });

  async function update(request: FastifyRequest, view: ViewRequest, partial: boolean): Promise<ApiResponse> {
    const actor = request.user!;
    const target = await existing(request);
    assertMayChange(actor, target);
    const fields: ProfileFields = validateData(profileFields, await view.data(), { partial });
    const usernameMessages = await usernameErrors(db, fields.username, target.id);
    if (usernameMessages.length > 0) throw errors.validation({ username: usernameMessages });

    const changes: Record<string, [unknown, unknown]> = {};
    for (const name of EDITABLE) {
      const value = fields[name];
      if (value !== undefined && value !== target[name]) changes[name] = [target[name], value];
    }
    if (changes.is_superuser !== undefined && !actor.isSuperuser) throw errors.permissionDenied(ONLY_SUPERUSER);
    if (target.id === actor.id) {
      if (changes.is_active !== undefined && fields.is_active === false) throw errors.permissionDenied('You cannot deactivate your own account.');
      if (changes.is_staff !== undefined && fields.is_staff === false) throw errors.permissionDenied('You cannot remove your own staff status.');
    }
    if (Object.keys(changes).length === 0) return { status: 200, data: target };

    const set = Object.fromEntries(Object.entries(changes).map(([name, [, value]]) => [name, value]));
    try {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('auth_user').set(set).where('id', '=', target.id).execute();
        // A deactivated user's refresh tokens end with the account (re-activation does not revive them).
        if (fields.is_active === false && changes.is_active !== undefined) await blacklistUserTokens(trx, target.id);
        await auditRequestWrite(trx, request, 'user_updated', { type: 'user', id: target.id, repr: fields.username ?? target.username }, changes);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw usernameTaken();
      throw error;
    }
    return { status: 200, data: await findAdminUser(db, target.id) };
  }

  registerView(app, {
    url: '/api/admin/users/:id/',
    name: 'User Instance',
    access,
    async get(request) {
      return { status: 200, data: await existing(request) };
    },
    put: (request, view) => update(request, view, false),
    patch: (request, view) => update(request, view, true),
    async delete(request) {
      const actor = request.user!;
      const target = await existing(request);
      assertMayChange(actor, target);
      if (target.id === actor.id) throw errors.permissionDenied('You cannot delete your own account.');
      await db.transaction().execute(async (trx) => {
        // The token goes with the user (ON DELETE CASCADE, stated for clarity).
        await trx.deleteFrom('tessera_token').where('user_id', '=', target.id).execute();
        await trx.deleteFrom('auth_user').where('id', '=', target.id).execute();
        await auditRequestWrite(trx, request, 'user_deleted', { type: 'user', id: target.id, repr: target.username });
      });
      return { status: 204 };
    },
  });

  registerView(app, {
    url: '/api/admin/users/:id/set-password/',
    name: 'Set Password',
    access,
    async post(request, view) {
      const target = await existing(request);
      await assertMayTakeOver(db, request, target, { action: 'password_changed', objectType: 'user', refusal: "Only a superuser can set another staff user's password." });
      const { password } = validateData(setPasswordFields, await view.data(), { partial: false });
      const problems = passwordProblems(password!, target.username);
      if (problems.length > 0) throw errors.validation({ password: problems });
      const passwordHash = await hashPassword(password!);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('auth_user').set({ password: passwordHash }).where('id', '=', target.id).execute();
        await auditRequestWrite(trx, request, 'password_changed', { type: 'user', id: target.id, repr: target.username });
      });
      return { status: 200, data: { message: 'Password changed.' } };
    },
  });
}
