/**
 * `/api/admin/`: the staff-only API (docs/admin-api.md). Lists are DRF pages
 * (`count`, `next`, `previous`, `results`) asked for with `page`, `search`, `ordering`
 * and filters; every call goes through the one client, so 401s sign out as everywhere.
 */
import type { ApiClient } from './client.ts';
import type { Product, ProductInput } from './products.ts';

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

export interface AdminMe {
  id: number;
  username: string;
  is_superuser: boolean;
}

export interface AdminRoot {
  me: AdminMe;
}

export interface AdminUserInput {
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
}

export interface AdminUser extends AdminUserInput {
  id: number;
  date_joined: string;
  last_login: string | null;
  has_token: boolean;
}

export interface NewAdminUser extends AdminUserInput {
  password: string;
}

export const USER_FIELDS = ['username', 'password', 'email', 'first_name', 'last_name', 'is_active', 'is_staff', 'is_superuser'] as const;

export interface AdminToken {
  user: { id: number; username: string };
  key_prefix: string;
  created: string;
}

/** The answer to creating or resetting a token: the only time the whole key is shown. */
export interface CreatedToken extends AdminToken {
  key: string;
}

export interface AuditEntry {
  id: number;
  created: string;
  actor: { id: number | null; username: string } | null;
  action: string;
  object_type: 'user' | 'token' | 'product';
  object_id: string | null;
  object_repr: string;
  changes: Record<string, unknown>;
  ip: string | null;
}

export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'login_throttled', 'logout',
  'token_created', 'token_reset', 'token_revoked',
  'user_created', 'user_updated', 'user_deleted', 'password_changed',
  'product_created', 'product_updated', 'product_deleted',
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

export function getAdminRoot(api: ApiClient, options: CallOptions = {}): Promise<AdminRoot> {
  return api.request<AdminRoot>('GET', '/api/admin/', options);
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
