// Tessera's public entry point (`import ... from 'tessera'`): what a project built on
// Tessera uses. Declare resources with the generics layer, serve them with serve(), run
// the command line with runCli(), test them with buildApp() on a database of their own.
export { serve } from './server.js';
export { buildApp, type AppOptions } from './app.js';
export { runCli } from './cli/program.js';
export type { Project } from './project.js';
export { loadConfig, type Config, type DatabaseConfig } from './config.js';
export { openDatabase, type Db } from './db/connect.js';
export { migrateToLatest } from './db/migrate.js';

export * as fields from './generics/fields.js';
export type { ModelField, RelationField } from './generics/fields.js';
export { defineResource, type Resource, type ResourceOptions, type TableOf, type InstanceOf } from './generics/resource.js';
export { modelViewSet, type ViewSet, type ViewSetOptions, type Action } from './generics/viewsets.js';
export { defaultRouter, simpleRouter, type Router } from './generics/routers.js';
export { pageNumberPagination, limitOffsetPagination, type Pagination } from './generics/pagination.js';
export type { Scope } from './generics/queryset.js';
export { schemaProblems } from './generics/schema-check.js';

export {
  allowAny, and, isAdminUser, isAuthenticated, isAuthenticatedOrReadOnly, isOwnerOrReadOnly, isSuperuser, not, or, readOnly,
  SAFE_METHODS, type ObjectRow, type Permission, type PermissionContext,
} from './auth/permissions.js';
export type { AuthUser } from './auth/schemes.js';

// Users and tokens, as Django's User.objects and DRF's Token.objects.
export { insertUser as createUser, findUserByUsername, setPassword, type NewUserFields, type User } from './auth/users.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export { findUserByKey, getOrCreateKey, resetToken, revokeToken } from './auth/token-store.js';
/** Signs a user out of every device (TOKEN_MODE=per-device); revokeToken ends the account token. */
export { deleteUserDeviceTokens as revokeDeviceTokens } from './auth/device-tokens.js';
export { createTokenSealer, type TokenSealer } from './auth/tokens.js';

// Tessera's authentication in an existing Fastify app (src/fastify-plugin.ts).
export { tesseraAuth, type TesseraAuthOptions, type TesseraAuthRoutes } from './fastify-plugin.js';
export type { AuthEvent, AuthEvents } from './auth/events.js';
export type { LoginThrottle } from './auth/throttle.js';
export type { TokenMode } from './config.js';
