// The OpenAPI 3.1 description of the API, for client teams (code generators, Swagger UI at
// /api/docs/). The resources' paths and schemas are derived from their declarations
// (generics/openapi.ts); the hand-written views (login, logout, the admin's users, tokens
// and audit log) are described here. Every operation has an operationId. Validation itself
// stays in serializers/fields.ts, because DRF's exact messages are the contract and JSON
// Schema validators word errors their own way.
import { Type, type TSchema } from 'typebox';
import { ACCOUNT_SCHEMAS, ACCOUNT_TAG, accountPaths } from '../accounts/openapi.js';
import { DEVICE_NAME_MAX_LENGTH } from '../auth/device-tokens.js';
import { KEY_PREFIX_LENGTH } from '../auth/token-store.js';
import type { TokenMode } from '../config.js';
import { ERROR_RESPONSES, routerPaths } from '../generics/openapi.js';
import type { Router } from '../generics/routers.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const DateTime = (options: Record<string, unknown> = {}) => Type.String({ format: 'date-time', ...options });

const Detail = Type.Object({ detail: Type.String() }, { description: "DRF's error body" });
const ValidationErrors = Type.Record(Type.String(), Type.Array(Type.String()), {
  description: 'One list of messages per field; `non_field_errors` for the body as a whole',
});
const Message = Type.Object({ message: Type.String() });

function pageOf(item: string) {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
    previous: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
    results: Type.Array(ref(item) as unknown as TSchema),
  }, { description: "DRF's PageNumberPagination" });
}

const AdminUser = Type.Object({
  id: Type.Integer({ readOnly: true }),
  username: Type.String({ maxLength: 150 }),
  email: Type.String({ maxLength: 254 }),
  first_name: Type.String({ maxLength: 150 }),
  last_name: Type.String({ maxLength: 150 }),
  is_active: Type.Boolean(),
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean(),
  date_joined: DateTime({ readOnly: true }),
  last_login: Type.Union([DateTime(), Type.Null()], { readOnly: true }),
  has_token: Type.Boolean({ readOnly: true }),
});
const AdminUserInput = Type.Object({
  username: Type.String({ maxLength: 150 }),
  password: Type.String({ minLength: 8, writeOnly: true }),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  first_name: Type.Optional(Type.String({ maxLength: 150 })),
  last_name: Type.Optional(Type.String({ maxLength: 150 })),
  is_active: Type.Optional(Type.Boolean()),
  is_staff: Type.Optional(Type.Boolean()),
  is_superuser: Type.Optional(Type.Boolean()),
});
const UserRef = Type.Object({ id: Type.Integer(), username: Type.String() });
const AdminToken = Type.Object({
  user: UserRef,
  key_prefix: Type.String({ minLength: KEY_PREFIX_LENGTH, maxLength: KEY_PREFIX_LENGTH }),
  created: DateTime(),
});
const AdminTokenCreated = Type.Object({
  user: UserRef,
  key: Type.String({ pattern: '^[0-9a-f]{40}$', description: 'Shown in this response only' }),
  key_prefix: Type.String(),
  created: DateTime(),
});
const AuditEntry = Type.Object({
  id: Type.Integer(),
  created: DateTime(),
  actor: Type.Union([Type.Object({ id: Type.Union([Type.Integer(), Type.Null()]), username: Type.String() }), Type.Null()]),
  action: Type.String(),
  object_type: Type.String({ enum: ['user', 'token', 'product'] }),
  object_id: Type.Union([Type.String(), Type.Null()]),
  object_repr: Type.String(),
  changes: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});
const AdminRefreshToken = Type.Object({
  id: Type.Integer(),
  jti: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  created_at: Type.Union([DateTime(), Type.Null()]),
  expires_at: DateTime(),
  blacklisted_at: Type.Union([DateTime(), Type.Null()]),
}, { description: "A JWT refresh token (SimpleJWT's outstanding token); the token itself is never shown" });
const Device = Type.Object({
  id: Type.Integer(),
  name: Type.String({ maxLength: DEVICE_NAME_MAX_LENGTH }),
  created: DateTime(),
  expires: Type.Union([DateTime(), Type.Null()]),
  current: Type.Boolean({ description: 'The token this request was made with' }),
});
const AdminDevice = Type.Object({
  id: Type.Integer(),
  user: UserRef,
  name: Type.String({ maxLength: DEVICE_NAME_MAX_LENGTH }),
  created: DateTime(),
  expires: Type.Union([DateTime(), Type.Null()]),
}, { description: 'A per-device token (TOKEN_MODE=per-device); never the key' });
const AdminMe = Type.Object({ id: Type.Integer(), username: Type.String(), is_staff: Type.Boolean(), is_superuser: Type.Boolean() });
const ThrottleStatus = Type.Object({
  username: Type.String(),
  wait: Type.Integer({ minimum: 0, description: 'Seconds until a login for this username may be tried again; 0: now' }),
});

interface OperationSpec {
  id: string;
  summary: string;
  tag: string;
  body?: unknown;
  ok: number;
  response?: unknown;
  parameters?: unknown[];
  anonymous?: boolean;
  /** Extra responses (the login's 429). */
  responses?: Record<number, unknown>;
}

export function operation(spec: OperationSpec) {
  return {
    operationId: spec.id,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.anonymous ? { security: [] } : {}),
    ...(spec.parameters === undefined ? {} : { parameters: spec.parameters }),
    ...(spec.body === undefined ? {} : { requestBody: { required: true, ...json(spec.body) } }),
    responses: {
      [spec.ok]: spec.response === undefined ? { description: 'No content' } : { description: 'OK', ...json(spec.response) },
      ...ERROR_RESPONSES,
      ...spec.responses,
    },
  };
}

export const idParameter = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer' } });
const query = (name: string, description: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const listParameters = (filters: unknown[] = []) => [
  query('page', 'Page number from 1, or `last`'),
  query('page_size', 'Default 25, at most 100', { type: 'integer' }),
  query('search', 'Words that must all appear in one of the searched fields'),
  query('ordering', 'Field names, `-` for descending, comma-separated'),
  ...filters,
];

/** A list + detail resource under the admin, in one go. */
function adminResource(path: string, name: string, item: string, input: unknown, filters: unknown[] = [], updateInput: unknown = input) {
  const one = name.replace(/s$/, '');
  return {
    [`${path}/`]: {
      get: operation({ id: `listAdmin${item}s`, summary: `List ${name}`, tag: 'admin', ok: 200, response: pageOf(item), parameters: listParameters(filters) }),
      post: operation({ id: `createAdmin${item}`, summary: `Create a ${one}`, tag: 'admin', ok: 201, body: input, response: ref(item) }),
    },
    [`${path}/{id}/`]: {
      parameters: [idParameter()],
      get: operation({ id: `retrieveAdmin${item}`, summary: `Get a ${one}`, tag: 'admin', ok: 200, response: ref(item) }),
      put: operation({ id: `updateAdmin${item}`, summary: `Replace a ${one}`, tag: 'admin', ok: 200, body: updateInput, response: ref(item) }),
      patch: operation({ id: `partialUpdateAdmin${item}`, summary: `Change a ${one}`, tag: 'admin', ok: 200, body: updateInput, response: ref(item) }),
      delete: operation({ id: `destroyAdmin${item}`, summary: `Delete a ${one}`, tag: 'admin', ok: 204 }),
    },
  };
}

export interface OpenApiOptions {
  readonly tokenMode: TokenMode;
  readonly version: string;
  /** The routers the app serves: their viewsets' paths and schemas are derived. */
  readonly routers: readonly Router[];
  /** The admin's routers (tagged `admin`). */
  readonly adminRouters?: readonly Router[];
  /** SimpleJWT's views and the Bearer scheme (JWT_AUTH=true). */
  readonly jwt?: boolean;
}

const JwtToken = Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'An HS256 JSON web token' });
const TokenNotValid = Type.Object({ detail: Type.String(), code: Type.String({ enum: ['token_not_valid'] }) }, { description: "SimpleJWT's refusal of a token" });
const tokenNotValid = { 401: { description: 'The token is invalid, expired or blacklisted (WWW-Authenticate: Bearer realm="api")', ...json(TokenNotValid) } };

/** SimpleJWT's four views. */
function jwtPaths() {
  const view = (id: string, summary: string, body: unknown, response: unknown, responses: Record<number, unknown> = tokenNotValid) => ({
    post: operation({ id, summary, tag: 'auth', ok: 200, body, response, anonymous: true, responses }),
  });
  return {
    '/api/token/': view('obtainJwtPair', 'Log in: username and password for a refresh and an access token',
      Type.Object({ username: Type.String(), password: Type.String({ format: 'password' }) }),
      Type.Object({ refresh: JwtToken, access: JwtToken }),
      { 429: { description: 'Too many failed logins for this username or address (Retry-After)', ...json(ref('Detail')) } }),
    '/api/token/refresh/': view('refreshJwt', 'A new access token (and, when rotating, a new refresh token) for a refresh token',
      Type.Object({ refresh: JwtToken }), Type.Object({ access: JwtToken, refresh: Type.Optional(JwtToken) })),
    '/api/token/verify/': view('verifyJwt', 'Whether a token (of either type) is valid', Type.Object({ token: JwtToken }), Type.Object({})),
    '/api/token/blacklist/': view('blacklistJwt', 'End a refresh token', Type.Object({ refresh: JwtToken }), Type.Object({})),
  };
}

export function openApiDocument(options: OpenApiOptions) {
  const resources = routerPaths(options.routers);
  const adminResources = routerPaths(options.adminRouters ?? [], { tag: 'admin', idPrefix: 'Admin' });
  const perDevice = options.tokenMode === 'per-device';
  const TokenResponse = perDevice
    ? Type.Object({ token: Type.String({ pattern: '^[0-9a-f]{40}$' }), expires: Type.Union([DateTime(), Type.Null()]) })
    : Type.Object({ token: Type.String({ pattern: '^[0-9a-f]{40}$' }) });
  const Credentials = Type.Object({
    username: Type.String(),
    password: Type.String({ format: 'password' }),
    ...(perDevice ? { device: Type.Optional(Type.String({ maxLength: DEVICE_NAME_MAX_LENGTH })) } : {}),
  });
  const boolFilter = (name: string) => query(name, '`true` or `false`', { type: 'boolean' });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera',
      version: options.version,
      description: "Django REST Framework's token authentication, wire-exact. Send `Authorization: Token <key>`.",
    },
    security: [{ TokenAuthentication: [] }, ...(options.jwt ? [{ JWTAuthentication: [] }] : [])],
    tags: [{ name: 'auth' }, ...options.routers.flatMap((router) => router.entries.map((entry) => ({ name: entry.prefix }))), { name: 'admin', description: 'Active staff only' }, ACCOUNT_TAG],
    paths: {
      '/api/': { get: operation({ id: 'apiRoot', summary: "DefaultRouter's API root: a link to each resource", tag: 'auth', ok: 200, response: Type.Record(Type.String(), Type.String({ format: 'uri' })) }) },
      '/api/admin/': { get: operation({ id: 'adminRoot', summary: "The admin's root: links, and who is asking", tag: 'admin', ok: 200, response: Type.Record(Type.String(), Type.Unknown()) }) },
      '/api/token-auth/': {
        post: {
          ...operation({ id: 'obtainAuthToken', summary: 'Log in: username and password for a token', tag: 'auth', ok: 200, body: Credentials, response: TokenResponse, anonymous: true, responses: { 429: { description: 'Too many failed logins for this username or address (Retry-After)', ...json(ref('Detail')) } } }),
          requestBody: {
            required: true,
            content: Object.fromEntries(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'].map((type) => [type, { schema: Credentials }])),
          },
        },
      },
      '/api/logout/': { post: operation({ id: 'logout', summary: 'Delete the token this request was sent with', tag: 'auth', ok: 200, response: ref('Message') }) },
      '/api/logout-all/': { post: operation({ id: 'logoutAll', summary: "Delete every token of the user", tag: 'auth', ok: 200, response: ref('Message') }) },
      ...(options.jwt ? jwtPaths() : {}),
      ...(perDevice ? {
        '/api/devices/': { get: operation({ id: 'listDevices', summary: "The user's device tokens", tag: 'auth', ok: 200, response: Type.Array(Device) }) },
        '/api/devices/{id}/': { parameters: [idParameter()], delete: operation({ id: 'destroyDevice', summary: 'Sign a device out', tag: 'auth', ok: 204 }) },
      } : {}),
      ...resources.paths,
      ...adminResource('/api/admin/users', 'users', 'AdminUser', AdminUserInput, [boolFilter('is_active'), boolFilter('is_staff'), boolFilter('is_superuser')], Type.Omit(AdminUserInput, ['password'])),
      '/api/admin/users/{id}/set-password/': {
        parameters: [idParameter()],
        post: operation({ id: 'setAdminUserPassword', summary: "Set a user's password", tag: 'admin', ok: 200, body: Type.Object({ password: Type.String({ minLength: 8 }) }), response: ref('Message') }),
      },
      '/api/admin/users/{id}/refresh-tokens/': {
        parameters: [idParameter()],
        get: operation({ id: 'listAdminRefreshTokens', summary: "A user's JWT refresh tokens, newest first", tag: 'admin', ok: 200, response: Type.Array(ref('AdminRefreshToken')) }),
      },
      '/api/admin/users/{id}/refresh-tokens/{token_id}/blacklist/': {
        parameters: [idParameter(), idParameter('token_id')],
        post: operation({ id: 'blacklistAdminRefreshToken', summary: 'Blacklist one of them', tag: 'admin', ok: 200, response: ref('AdminRefreshToken') }),
      },
      '/api/admin/tokens/': {
        get: operation({ id: 'listAdminTokens', summary: 'List tokens (key prefixes only)', tag: 'admin', ok: 200, response: pageOf('AdminToken'), parameters: listParameters() }),
        post: operation({ id: 'createAdminToken', summary: "Create or reset a user's token", tag: 'admin', ok: 201, body: Type.Object({ user: Type.Integer() }), response: AdminTokenCreated }),
      },
      '/api/admin/tokens/{user_id}/': {
        parameters: [idParameter('user_id')],
        get: operation({ id: 'retrieveAdminToken', summary: "A user's token", tag: 'admin', ok: 200, response: ref('AdminToken') }),
        delete: operation({ id: 'destroyAdminToken', summary: "Revoke a user's tokens", tag: 'admin', ok: 204 }),
      },
      ...adminResources.paths,
      ...accountPaths(),
      '/api/admin/audit-log/': {
        get: operation({
          id: 'listAdminAuditEntries', summary: 'The audit log, newest first', tag: 'admin', ok: 200, response: pageOf('AuditEntry'),
          parameters: listParameters(['action', 'object_type', 'object_id', 'actor', 'since', 'until'].map((name) => query(name, 'Exact match (since/until: ISO 8601)'))),
        }),
      },
      '/api/admin/me/': {
        get: operation({ id: 'adminMe', summary: 'Whether the signed-in user may use the admin (any signed-in user)', tag: 'admin', ok: 200, response: ref('AdminMe') }),
      },
      '/api/admin/devices/': {
        get: operation({ id: 'listAdminDevices', summary: 'Per-device tokens that have not expired', tag: 'admin', ok: 200, response: pageOf('AdminDevice'), parameters: listParameters() }),
      },
      '/api/admin/devices/{id}/': {
        parameters: [idParameter()],
        delete: operation({ id: 'destroyAdminDevice', summary: 'Sign one device out', tag: 'admin', ok: 204 }),
      },
      '/api/admin/throttles/': {
        get: operation({ id: 'retrieveAdminThrottle', summary: "Whether logins for a username are throttled", tag: 'admin', ok: 200, response: ref('ThrottleStatus'), parameters: [{ ...query('username', 'The username to look up'), required: true }] }),
        post: operation({ id: 'clearAdminThrottle', summary: "Clear a username's login throttle (audited)", tag: 'admin', ok: 200, body: Type.Object({ username: Type.String() }), response: ref('ThrottleStatus') }),
      },
      '/api/admin/audit-log/{id}/': {
        parameters: [idParameter()],
        get: operation({ id: 'retrieveAdminAuditEntry', summary: 'One audit entry', tag: 'admin', ok: 200, response: ref('AuditEntry') }),
      },
    },
    components: {
      securitySchemes: {
        TokenAuthentication: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The word `Token`, a space, then the key' },
        ...(options.jwt ? { JWTAuthentication: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /api/token/' } } : {}),
      },
      schemas: { Detail, ValidationErrors, Message, AdminUser, AdminUserInput, AdminToken, AdminTokenCreated, AdminRefreshToken, AuditEntry, Device, AdminDevice, AdminMe, ThrottleStatus, ...ACCOUNT_SCHEMAS, ...resources.schemas, ...adminResources.schemas },
    },
  };
}
