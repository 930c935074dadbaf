/**
 * `/api/admin/`: the staff-only API (docs/admin-api.md). Lists are DRF pages
 * (`count`, `next`, `previous`, `results`) asked for with `page`, `search`, `ordering`
 * and filters; every call goes through the one client, so 401s sign out as everywhere.
 */
import type { ApiClient } from './client.ts';
import type { Product, ProductInput } from './products.ts';
import type { AdminDevice, AdminMe, AdminToken, AdminUser, AdminUserInput, AuditEntry, CreatedToken, ThrottleStatus } from './types.ts';

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** The admin's page size (DRF's default here); the pages show "Page X of Y" from it. */
export const ADMIN_PAGE_SIZE = 25;

export function pageCount(page: Page<unknown>, pageSize = ADMIN_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(page.count / pageSize));
}

export type { AdminMe } from './types.ts';

export type { AdminDevice, AdminToken, AdminUser, AdminUserInput, AuditEntry, ThrottleStatus } from './types.ts';

export interface NewAdminUser extends AdminUserInput {
  password: string;
}

export const USER_FIELDS = ['username', 'password', 'email', 'first_name', 'last_name', 'is_active', 'is_staff', 'is_superuser'] as const;

/** The answer to creating or resetting a token (CreatedToken): the only time the whole key is shown. */
export type { CreatedToken } from './types.ts';

export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'login_throttled', 'logout',
  'token_created', 'token_reset', 'token_revoked',
  'user_created', 'user_updated', 'user_deleted', 'password_changed',
  'product_created', 'product_updated', 'product_deleted',
  'throttle_deleted',
] as const;

/** Query parameters of a list; empty values are left out. */
export type ListQuery = Record<string, string | number | undefined>;

function withQuery(path: string, query: ListQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface CallOptions {
  signal?: AbortSignal;
}

/** Who is asking and whether they are staff; 200 for anyone signed in. */
export function getAdminMe(api: ApiClient, options: CallOptions = {}): Promise<AdminMe> {
  return api.request<AdminMe>('GET', '/api/admin/me/', options);
}

export function listUsers(api: ApiClient, query: ListQuery, options: CallOptions = {}): Promise<Page<AdminUser>> {
  return api.request<Page<AdminUser>>('GET', withQuery('/api/admin/users/', query), options);
}

export function createUser(api: ApiClient, input: NewAdminUser): Promise<AdminUser> {
  return api.request<AdminUser>('POST', '/api/admin/users/', { body: input });
}

/** PATCH with the fields that changed, so a staff member never sends is_superuser by accident. */
export function updateUser(api: ApiClient, id: number, changes: Partial<AdminUserInput>): Promise<AdminUser> {
  return api.request<AdminUser>('PATCH', `/api/admin/users/${id}/`, { body: changes });
}

export async function setUserPassword(api: ApiClient, id: number, password: string): Promise<void> {
  await api.request('POST', `/api/admin/users/${id}/set-password/`, { body: { password } });
}

export async function deleteUser(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/admin/users/${id}/`);
}

export function listTokens(api: ApiClient, query: ListQuery, options: CallOptions = {}): Promise<Page<AdminToken>> {
  return api.request<Page<AdminToken>>('GET', withQuery('/api/admin/tokens/', query), options);
}

/** Creates the user's token, or replaces it (the old key stops working at once). */
export function resetToken(api: ApiClient, userId: number): Promise<CreatedToken> {
  return api.request<CreatedToken>('POST', '/api/admin/tokens/', { body: { user: userId } });
}

export async function revokeToken(api: ApiClient, userId: number): Promise<void> {
  await api.request('DELETE', `/api/admin/tokens/${userId}/`);
}

export function listAdminProducts(api: ApiClient, query: ListQuery, options: CallOptions = {}): Promise<Page<Product>> {
  return api.request<Page<Product>>('GET', withQuery('/api/admin/products/', query), options);
}

export function createAdminProduct(api: ApiClient, input: ProductInput): Promise<Product> {
  return api.request<Product>('POST', '/api/admin/products/', { body: input });
}

export function updateAdminProduct(api: ApiClient, id: number, input: ProductInput): Promise<Product> {
  return api.request<Product>('PUT', `/api/admin/products/${id}/`, { body: input });
}

export async function deleteAdminProduct(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/admin/products/${id}/`);
}

export function listAudit(api: ApiClient, query: ListQuery, options: CallOptions = {}): Promise<Page<AuditEntry>> {
  return api.request<Page<AuditEntry>>('GET', withQuery('/api/admin/audit-log/', query), options);
}

/** Per-device tokens (TOKEN_MODE=per-device); an empty page in the other mode. */
export function listAdminDevices(api: ApiClient, query: ListQuery, options: CallOptions = {}): Promise<Page<AdminDevice>> {
  return api.request<Page<AdminDevice>>('GET', withQuery('/api/admin/devices/', query), options);
}

export async function revokeAdminDevice(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/admin/devices/${id}/`);
}

export function getThrottle(api: ApiClient, username: string): Promise<ThrottleStatus> {
  return api.request<ThrottleStatus>('GET', withQuery('/api/admin/throttles/', { username }));
}

export function clearThrottle(api: ApiClient, username: string): Promise<ThrottleStatus> {
  return api.request<ThrottleStatus>('POST', '/api/admin/throttles/', { body: { username } });
}
