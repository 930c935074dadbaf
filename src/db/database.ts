// Table types: one interface per table and one Database interface (Kysely's convention).
// Column names are Django's (snake_case), the spelling DRF clients and Django databases
// already use, so nothing maps names between layers.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** SQLite stores 0/1, PostgreSQL booleans; both read back as truthy values. */
type Flag = ColumnType<boolean | number, boolean, boolean>;

/** Django's auth_user, column for column. */
export interface UserTable {
  id: Generated<number>;
  password: string;
  last_login: string | null;
  is_superuser: Flag;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: Flag;
  is_active: Flag;
  date_joined: string;
}

/**
 * One token per user, as DRF's authtoken_token, but never readable: `key_digest` is the
 * SHA-256 of the key (what a request is looked up by) and `key_sealed` the key encrypted
 * under SECRET_KEY (so login can hand back the same key, as DRF does).
 */
export interface TokenTable {
  id: Generated<number>;
  user_id: number;
  key_digest: string;
  key_sealed: string;
  created: string;
}

export interface ProductTable {
  id: Generated<number>;
  name: string;
  description: string;
  /** Exact decimal(10,2): TEXT on SQLite, numeric on PostgreSQL; a string in JavaScript. */
  price: string;
  created_at: string;
}

/** A per-device token (TOKEN_MODE=per-device): only the key's digest is kept. */
export interface DeviceTokenTable {
  id: Generated<number>;
  user_id: number;
  key_digest: string;
  name: string;
  created: string;
  expires: string | null;
}

/** One audit entry (audit/audit-log.ts); `changes` is JSON text. */
export interface AuditLogTable {
  id: Generated<number>;
  created: string;
  actor_id: number | null;
  actor_username: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  object_repr: string;
  changes: string;
  ip: string | null;
}

/** SimpleJWT's OutstandingToken: a refresh token that was issued (token: its claims, no signature). */
export interface OutstandingTokenTable {
  id: Generated<number>;
  user_id: number | null;
  jti: string;
  token: string;
  created_at: string | null;
  expires_at: string;
}

/** SimpleJWT's BlacklistedToken: an outstanding token that may no longer be used. */
export interface BlacklistedTokenTable {
  id: Generated<number>;
  token_id: number;
  blacklisted_at: string;
}

/** A message waiting in the e-mail outbox (accounts/outbox.ts). */
export interface EmailOutboxTable {
  id: Generated<number>;
  created: string;
  recipient: string;
  subject: string;
  message: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt: string | null;
  last_error: string | null;
}

export interface Database {
  auth_user: UserTable;
  tessera_token: TokenTable;
  product: ProductTable;
  tessera_audit_log: AuditLogTable;
  tessera_device_token: DeviceTokenTable;
  token_blacklist_outstandingtoken: OutstandingTokenTable;
  token_blacklist_blacklistedtoken: BlacklistedTokenTable;
  tessera_email_outbox: EmailOutboxTable;
}

export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type TokenRow = Selectable<TokenTable>;
export type ProductRow = Selectable<ProductTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
