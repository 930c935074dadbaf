// djoser 2.1 at /auth/, as the reference mounts it (djoser/views.py, serializers.py):
// SEND_ACTIVATION_EMAIL on, ACTIVATION_URL 'activate/{uid}/{token}',
// PASSWORD_RESET_CONFIRM_URL 'password-reset/{uid}/{token}', HIDE_USERS, the rest djoser's
// defaults. Bodies, status codes, messages and their order are djoser's; where Tessera
// differs on purpose (throttling, REGISTRATION=false, no stale-header 401 on login) the
// README's table says so.
//
//   /auth/                               GET     the router's root (authenticated)
//   /auth/users/                         GET     list: yourself, or everyone for staff
//                                        POST    sign up: inactive, activation e-mail
//   /auth/users/me/                      GET PUT PATCH DELETE (current_password)
//   /auth/users/{id}/                    GET PUT PATCH DELETE: yourself, or anyone for staff
//   /auth/users/activation/              POST    {uid, token}
//   /auth/users/resend_activation/       POST    {email}
//   /auth/users/set_password/            POST    {new_password, current_password}
//   /auth/users/reset_password/          POST    {email}: 204 whether or not it exists
//   /auth/users/reset_password_confirm/  POST    {uid, token, new_password}
//   /auth/users/set_username/            POST    {current_password, new_username}
//   /auth/token/login/                   POST    {"auth_token": key}
//   /auth/token/logout/                  POST    204
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { writeAuditEntry, type AuditAction } from '../audit/audit-log.js';
import { createDeviceToken, currentDeviceTokenId, deleteDeviceToken } from '../auth/device-tokens.js';
import type { AuthEvents } from '../auth/events.js';
import { validatePassword, type PasswordUser } from '../auth/password-validation.js';
import { checkCredentials } from '../auth/login.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { allowAny } from '../auth/permissions.js';
import type { AccessPolicy } from '../auth/plugin.js';
import type { LoginThrottle } from '../auth/throttle.js';
import { getOrCreateKey, isUniqueViolation, revokeToken } from '../auth/token-store.js';
import type { TokenSealer } from '../auth/tokens.js';
import {
  findUserById,
  findUsersByEmail,
  insertUser,
  setPasswordHash,
  toUser,
  touchLastLogin,
  usernameMessages,
  type User,
} from '../auth/users.js';
import type { AccountsConfig, TokenMode } from '../config.js';
import type { Database } from '../db/database.js';
import { errors } from '../errors.js';
import type { RequestData } from '../http/body.js';
import { parseObjectId } from '../http/params.js';
import { registerView, type ApiResponse, type ViewRequest } from '../http/view.js';
import { charField, emailField, requireDictionary, validateData, type Fields, type Parsed } from '../serializers/fields.js';
import { activationMail, passwordResetMail, type MailSite, type RenderedMail } from './emails.js';
import { decodeUid, encodeUid, linkTokens } from './link-tokens.js';
import type { Outbox } from './outbox.js';
import { accountThrottle } from './throttle.js';

export interface AccountRoutesOptions {
  readonly db: Kysely<Database>;
  readonly config: AccountsConfig;
  readonly secretKey: string;
  readonly sealer: TokenSealer;
  readonly tokenMode: TokenMode;
  readonly tokenTtlSeconds: number | null;
  /** The login throttle of /api/token-auth/, shared by /auth/token/login/. */
  readonly loginThrottle: LoginThrottle;
  /** The counters of the e-mails sent (accounts/throttle.ts: keys and limits of their own). */
  readonly emailThrottle: LoginThrottle;
  readonly events: AuthEvents;
  /** DRF's default authentication with IsAuthenticated. */
  readonly access: AccessPolicy;
  readonly outbox: Outbox;
  /** Where a file-outbox message's link is logged. */
  readonly logLink?: (to: string, link: string) => void;
}

// djoser's Messages (djoser/constants.py).
const INVALID_CREDENTIALS = 'Unable to log in with provided credentials.';
const INVALID_TOKEN = 'Invalid token for given user.';
const INVALID_UID = "Invalid user id or user doesn't exist.";
const STALE_TOKEN = 'Stale token for given user.';
const INVALID_PASSWORD = 'Invalid password.';
const CANNOT_CREATE_USER = 'Unable to create account.';

const EMAIL_MAX_LENGTH = 254;
const ACTIVATION_URL = 'activate/{uid}/{token}';
const PASSWORD_RESET_CONFIRM_URL = 'password-reset/{uid}/{token}';

/** djoser's UserSerializer: REQUIRED_FIELDS, then the id and the login field. */
export interface AccountData {
  readonly email: string;
  readonly id: number;
  readonly username: string;
}

// OPTIONS: every action of djoser's UserViewSet describes UserSerializer (the metadata
// action gets the viewset's default serializer), as the reference answers.
const USER_FIELDS_METADATA = {
  email: { type: 'email', required: false, read_only: false, label: 'Email address', max_length: EMAIL_MAX_LENGTH },
  id: { type: 'integer', required: false, read_only: true, label: 'ID' },
  username: {
    type: 'string', required: false, read_only: true, label: 'Username',
    help_text: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.',
  },
};
const LOGIN_FIELDS_METADATA = {
  password: { type: 'string', required: false, read_only: false, label: 'Password' },
  username: { type: 'string', required: false, read_only: false, label: 'Username' },
};
const userFieldsMetadata = async (): Promise<Record<string, unknown>> => USER_FIELDS_METADATA;

function accountData(user: User): AccountData {
  return { email: user.email, id: user.id, username: user.username };
}

// The serializers' fields, in djoser's order. Every CharField trims (DRF's default), the
// passwords included, as djoser declares them.
const createFields = {
  email: emailField({ maxLength: EMAIL_MAX_LENGTH }),
  username: charField(),
  password: charField(),
};
const profileFields = { email: emailField({ maxLength: EMAIL_MAX_LENGTH }) };
const uidAndTokenFields = { uid: charField(), token: charField() };
const emailFields = { email: emailField({ maxLength: EMAIL_MAX_LENGTH, required: true, allowBlank: false }) };
const setPasswordFields = { new_password: charField(), current_password: charField() };
const resetConfirmFields = { ...uidAndTokenFields, new_password: charField() };
const setUsernameFields = { current_password: charField(), new_username: charField() };
const currentPasswordFields = { current_password: charField() };
const loginFields = { password: charField({ required: false }), username: charField({ required: false }) };

type FieldCheck = (value: string) => Promise<string[]>;

/**
 * Serializer.to_internal_value with field-level validators (DRF's validate_<field> and a
 * model field's validators): every field's messages together, in field order.
 */
async function validateFields<F extends Fields>(
  fields: F,
  data: RequestData,
  checks: Partial<Record<keyof F, FieldCheck>>,
  options: { partial: boolean } = { partial: false },
): Promise<Parsed<F>> {
  requireDictionary(data);
  const parsed: Record<string, unknown> = {};
  const fieldErrors: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    try {
      Object.assign(parsed, validateData({ [name]: field }, data, options));
    } catch (error) {
      const body = (error as { code?: string; body?: Record<string, unknown> }).body;
      if ((error as { code?: string }).code !== 'invalid' || body === undefined) throw error;
      fieldErrors[name] = body[name];
      continue;
    }
    const check = checks[name as keyof F];
    if (check !== undefined && typeof parsed[name] === 'string') {
      const messages = await check(parsed[name] as string);
      if (messages.length > 0) fieldErrors[name] = messages;
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  return parsed as Parsed<F>;
}

/** A field as the client sent it, when it is text. */
function rawText(data: RequestData, name: string): string | null {
  const value = data.kind === 'form' ? data.value.get(name) : (data.value as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

function hasUsablePassword(user: User): boolean {
  return !user.password.startsWith('!') && user.password !== '';
}

function passwordUser(user: PasswordUser): PasswordUser {
  return { username: user.username, first_name: user.first_name, last_name: user.last_name, email: user.email };
}

export async function accountRoutes(app: FastifyInstance, options: AccountRoutesOptions): Promise<void> {
  const { db, config, outbox, events, loginThrottle } = options;
  const tokens = linkTokens({ secretKey: options.secretKey, timeoutSeconds: config.passwordResetTimeoutSeconds });
  const throttle = accountThrottle(options.emailThrottle);
  const authenticated = options.access;
  // A UserViewSet action that is AllowAny for its POST: DRF still authenticates (a bad
  // token header is a 401), and any other method is no action, so the viewset's default
  // CurrentUserOrAdmin asks for credentials before the 405.
  const open: AccessPolicy = {
    authentication: authenticated.authentication,
    permission: { hasPermission: (context) => context.method === 'POST' || context.user !== null },
  };
  const perDevice = options.tokenMode === 'per-device';

  function site(request: FastifyRequest): MailSite {
    return { name: config.siteName, protocol: request.protocol, domain: config.domain ?? request.host };
  }

  function linkPath(template: string, user: User): string {
    return template.replace('{uid}', encodeUid(user.id)).replace('{token}', tokens.make(user));
  }

  async function queueMail(trx: Kysely<Database>, user: User, mail: RenderedMail): Promise<void> {
    await outbox.enqueue(trx, { from: config.from, to: user.email, subject: mail.subject, text: mail.text, html: mail.html });
    if (config.emailUrl === null) options.logLink?.(user.email, mail.link);
  }

  function activation(request: FastifyRequest, user: User): RenderedMail {
    return activationMail(site(request), linkPath(ACTIVATION_URL, user));
  }

  function audit(trx: Kysely<Database>, request: FastifyRequest, action: AuditAction, user: User, changes: Record<string, unknown>): Promise<void> {
    const actor = request.user ?? user;
    return writeAuditEntry(trx, {
      action,
      actor: { id: actor.id, username: actor.username },
      objectType: 'user',
      objectId: user.id,
      objectRepr: user.username,
      changes,
      ip: request.ip ?? null,
    });
  }

  /** Counts a request that may send e-mail; 429 past the limit. */
  async function throttled(request: FastifyRequest, email: string | null): Promise<void> {
    const wait = await throttle.hit(request.ip, email);
    if (wait > 0) throw errors.throttled(wait);
  }

  /**
   * UidAndTokenSerializer.validate: the user the uid names, whose token this is. djoser
   * reads both from initial_data, as sent (untrimmed); a value that is not text, which
   * makes djoser fail with a 500, is invalid here.
   */
  async function linkUser(data: RequestData): Promise<User> {
    const uid = rawText(data, 'uid');
    const id = uid === null ? null : decodeUid(uid);
    const user = id === null ? null : await findUserById(db, id);
    if (user === null) throw errors.validation({ uid: [INVALID_UID] });
    const token = rawText(data, 'token');
    if (token === null || !tokens.check(user, token)) throw errors.validation({ token: [INVALID_TOKEN] });
    return user;
  }

  /** CurrentPasswordSerializer.validate_current_password: the caller's password. */
  function currentPassword(user: User): FieldCheck {
    return async (password) => ((await verifyPassword(password, user.password)) ? [] : [INVALID_PASSWORD]);
  }

  const uniqueUsername: FieldCheck = (username) => usernameMessages(db, username, null);

  async function me(request: FastifyRequest): Promise<User> {
    const user = await findUserById(db, request.user!.id);
    if (user === null) throw errors.authenticationFailed('User inactive or deleted.', null);
    return user;
  }

  /** GenericAPIView.get_object for users/{id}/: 404, then CurrentUserOrAdmin (HIDE_USERS: 404 but for DELETE). */
  async function target(request: FastifyRequest): Promise<User> {
    const id = parseObjectId((request.params as { id?: string }).id);
    const user = id === null ? null : await findUserById(db, id);
    if (user === null) throw errors.notFound();
    const caller = request.user!;
    if (!caller.isStaff && user.id !== caller.id) throw request.method === 'DELETE' ? errors.permissionDenied() : errors.notFound();
    return user;
  }

  /** UserViewSet.update: UserSerializer (only the e-mail is writable), then the activation e-mail. */
  async function update(request: FastifyRequest, view: ViewRequest, user: User, partial: boolean): Promise<ApiResponse> {
    const fields = validateData(profileFields, await view.data(), { partial });
    const updated = await db.transaction().execute(async (trx) => {
      const changes: Record<string, unknown> = {};
      if (fields.email !== undefined && fields.email !== user.email) {
        // UserSerializer.update: a new address must be confirmed, so the account waits for it.
        changes.email = [user.email, fields.email];
        if (user.is_active) changes.is_active = [true, false];
        await trx.updateTable('auth_user').set({ email: fields.email, is_active: false }).where('id', '=', user.id).execute();
      }
      const row = toUser(await trx.selectFrom('auth_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow());
      if (Object.keys(changes).length > 0) await audit(trx, request, 'user_updated', row, changes);
      // perform_update: djoser sends the activation e-mail after every update.
      if (row.email !== '') await queueMail(trx, row, activation(request, row));
      return row;
    });
    outbox.kick();
    return { status: 200, data: accountData(updated) };
  }

  /** UserViewSet.destroy: the caller's current password, then the user goes (and the caller's token if it is them). */
  async function destroy(request: FastifyRequest, view: ViewRequest, user: User): Promise<ApiResponse> {
    await validateFields(currentPasswordFields, await view.data(), { current_password: currentPassword(await me(request)) });
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tessera_token').where('user_id', '=', user.id).execute();
      await trx.deleteFrom('tessera_device_token').where('user_id', '=', user.id).execute();
      await trx.deleteFrom('auth_user').where('id', '=', user.id).execute();
      await audit(trx, request, 'user_deleted', user, {});
    });
    return { status: 204 };
  }

  /** POST {email}: an e-mail to each user with that address, usable password and active flag. */
  function emailView(url: string, name: string, match: { active: boolean; noneStatus: number }, render: (request: FastifyRequest, user: User) => RenderedMail): void {
    registerView(app, {
      url,
      name,
      access: open,
      actions: userFieldsMetadata,
      async post(request, view) {
        const fields = validateData(emailFields, await view.data(), { partial: false });
        await throttled(request, fields.email!);
        const users = (await findUsersByEmail(db, fields.email!, { active: match.active })).filter(hasUsablePassword);
        if (users.length === 0) return { status: match.noneStatus };
        await db.transaction().execute(async (trx) => {
          for (const user of users) await queueMail(trx, user, render(request, user));
        });
        outbox.kick();
        return { status: 204 };
      },
    });
  }

  function userDetail(url: string, name: string, find: (request: FastifyRequest) => Promise<User>): void {
    registerView(app, {
      url,
      name,
      access: authenticated,
      // determine_actions: PUT only when get_object() succeeds for this caller.
      actions: async (request) => find(request).then(() => USER_FIELDS_METADATA, () => null),
      async get(request) {
        return { status: 200, data: accountData(await find(request)) };
      },
      async put(request, view) {
        return update(request, view, await find(request), false);
      },
      async patch(request, view) {
        return update(request, view, await find(request), true);
      },
      async delete(request, view) {
        return destroy(request, view, await find(request));
      },
    });
  }

  registerView(app, {
    url: '/auth/',
    name: 'Api Root',
    description: 'The default basic root view for DefaultRouter',
    access: authenticated,
    get(request) {
      return { status: 200, data: { users: `${request.protocol}://${request.host}/auth/users/` } };
    },
  });

  registerView(app, {
    url: '/auth/users/',
    name: 'User List',
    access: open,
    actions: userFieldsMetadata,
    async get(request) {
      const caller = request.user!;
      let query = db.selectFrom('auth_user').selectAll().orderBy('id');
      if (!caller.isStaff) query = query.where('id', '=', caller.id);
      return { status: 200, data: (await query.execute()).map((row) => accountData(toUser(row))) };
    },
    async post(request, view) {
      if (!config.registration) throw errors.notFound();
      const fields = await validateFields(createFields, await view.data(), { username: uniqueUsername });
      const username = fields.username!;
      // UserCreateSerializer.validate: Django's validators against User(email, username).
      const email = fields.email ?? '';
      const passwordProblems = validatePassword(fields.password!, { username, email });
      if (passwordProblems.length > 0) throw errors.validation({ password: passwordProblems });
      await throttled(request, email);
      const passwordHash = await hashPassword(fields.password!);
      let user: User;
      try {
        user = await db.transaction().execute(async (trx) => {
          const created = await insertUser(trx, { username, email, passwordHash, is_active: false });
          await audit(trx, request, 'user_created', created, { username, email, is_active: false, via: 'registration' });
          if (email !== '') await queueMail(trx, created, activation(request, created));
          return created;
        });
      } catch (error) {
        // Two sign-ups with one name at once: the other won (djoser's IntegrityError case).
        if (isUniqueViolation(error)) throw errors.validation([CANNOT_CREATE_USER]);
        throw error;
      }
      outbox.kick();
      return { status: 201, data: { email: user.email, username: user.username, id: user.id } };
    },
  });

  // users/me/ is the caller (no object permission: djoser's get_instance); users/{id}/
  // is get_object with CurrentUserOrAdmin.
  userDetail('/auth/users/me/', 'Me', me);

  registerView(app, {
    url: '/auth/users/activation/',
    name: 'Activation',
    access: open,
    actions: userFieldsMetadata,
    async post(request, view) {
      const data = await view.data();
      validateData(uidAndTokenFields, data, { partial: false });
      const user = await linkUser(data);
      if (user.is_active) throw errors.permissionDenied(STALE_TOKEN);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('auth_user').set({ is_active: true }).where('id', '=', user.id).execute();
        await audit(trx, request, 'user_updated', user, { is_active: [false, true], via: 'activation' });
      });
      return { status: 204 };
    },
  });

  // SendEmailResetSerializer.get_user(is_active=False): none is djoser's bare 400.
  emailView('/auth/users/resend_activation/', 'Resend activation', { active: false, noneStatus: 400 }, activation);

  registerView(app, {
    url: '/auth/users/set_password/',
    name: 'Set password',
    access: authenticated,
    actions: userFieldsMetadata,
    async post(request, view) {
      const user = await me(request);
      const fields = await validateFields(setPasswordFields, await view.data(), { current_password: currentPassword(user) });
      const passwordProblems = validatePassword(fields.new_password!, passwordUser(user));
      if (passwordProblems.length > 0) throw errors.validation({ new_password: passwordProblems });
      const passwordHash = await hashPassword(fields.new_password!);
      await db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, user.id, passwordHash);
        await audit(trx, request, 'password_changed', user, { via: 'set_password' });
      });
      return { status: 204 };
    },
  });

  // No account discovery: 204 whether or not an active account has this address.
  emailView('/auth/users/reset_password/', 'Reset password', { active: true, noneStatus: 204 }, (request, user) =>
    passwordResetMail(site(request), linkPath(PASSWORD_RESET_CONFIRM_URL, user), user.username));

  registerView(app, {
    url: '/auth/users/reset_password_confirm/',
    name: 'Reset password confirm',
    access: open,
    actions: userFieldsMetadata,
    async post(request, view) {
      const data = await view.data();
      const fields = validateData(resetConfirmFields, data, { partial: false });
      // PasswordSerializer.validate runs first, against request.user: the anonymous user
      // (no attributes) unless the request is authenticated.
      const caller = request.user === null ? null : await findUserById(db, request.user.id);
      const passwordProblems = validatePassword(fields.new_password!, caller === null ? {} : passwordUser(caller));
      if (passwordProblems.length > 0) throw errors.validation({ new_password: passwordProblems });
      const user = await linkUser(data);
      const passwordHash = await hashPassword(fields.new_password!);
      await db.transaction().execute(async (trx) => {
        await setPasswordHash(trx, user.id, passwordHash);
        await touchLastLogin(trx, user.id);
        await audit(trx, request, 'password_changed', user, { via: 'reset_password_confirm' });
      });
      return { status: 204 };
    },
  });

  registerView(app, {
    url: '/auth/users/set_username/',
    name: 'Set username',
    access: authenticated,
    actions: userFieldsMetadata,
    async post(request, view) {
      const user = await me(request);
      // The serializer has no instance, so UniqueValidator counts the caller's own name too.
      const fields = await validateFields(setUsernameFields, await view.data(), { current_password: currentPassword(user), new_username: uniqueUsername });
      try {
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('auth_user').set({ username: fields.new_username! }).where('id', '=', user.id).execute();
          await audit(trx, request, 'user_updated', user, { username: [user.username, fields.new_username!] });
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw errors.validation({ new_username: ['A user with that username already exists.'] });
        throw error;
      }
      return { status: 204 };
    },
  });

  userDetail('/auth/users/:id/', 'User Instance', target);

  registerView(app, {
    url: '/auth/token/login/',
    name: 'Token Create',
    description: 'Use this endpoint to obtain user authentication token.',
    // As /api/token-auth/: no authentication, so a stale Authorization header cannot block a login.
    access: { authentication: [], permission: allowAny },
    actions: async () => LOGIN_FIELDS_METADATA,
    async post(request, view) {
      const fields = validateData(loginFields, await view.data(), { partial: false }) as Parsed<typeof loginFields>;
      const username = fields.username;
      const password = fields.password;
      // ModelBackend.authenticate: without both, nobody.
      if (username === undefined || password === undefined) throw errors.nonField(INVALID_CREDENTIALS);
      const user = await checkCredentials({ db, throttle: loginThrottle, events }, request, username, password);
      if (user === null) throw errors.nonField(INVALID_CREDENTIALS);
      // djoser's login_user sends user_logged_in, whose receiver sets last_login.
      await touchLastLogin(db, user.id);
      const key = perDevice
        ? (await createDeviceToken(db, user.id, request.headers['user-agent'] || 'Unnamed device', options.tokenTtlSeconds)).key
        : await getOrCreateKey(db, options.sealer, user.id);
      await events.record(request, { action: 'login', username, userId: user.id });
      return { status: 200, data: { auth_token: key } };
    },
  });

  registerView(app, {
    url: '/auth/token/logout/',
    name: 'Token Destroy',
    description: 'Use this endpoint to logout user (remove user authentication token).',
    access: authenticated,
    async post(request) {
      const user = request.user!;
      // The token this request came with: this device's, or the account token.
      const deviceTokenId = currentDeviceTokenId(request);
      if (deviceTokenId !== null) await deleteDeviceToken(db, user.id, deviceTokenId);
      else await revokeToken(db, user.id);
      await events.record(request, { action: 'logout', username: user.username, userId: user.id });
      return { status: 204 };
    },
  });
}
