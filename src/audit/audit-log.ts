// The audit log: who did what to which object, when, from where. Admin writes record
// their entry in the same transaction as the change (both happen or neither); the
// authentication events (logins, logouts, token changes) are recorded as they happen,
// and a failure to record them is logged, never turned into a failed login.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { InsertQueryBuilder, InsertResult, Kysely } from 'kysely';
import { logAuthEvent, type AuthEvent, type AuthEvents } from '../auth/events.js';
import type { Database } from '../db/database.js';
import { nowTimestamp } from '../db/timestamps.js';

export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'login_throttled', 'logout',
  'token_created', 'token_reset', 'token_revoked',
  'user_created', 'user_updated', 'user_deleted', 'password_changed',
  'product_created', 'product_updated', 'product_deleted',
  // A refused attempt to take over another account's credentials (admin/users.ts); its
  // changes name the action attempted: {"attempted": "token_reset"}.
  'permission_denied',
] as const;
/** Tessera's own actions, and `<type>_created|_updated|_deleted` for a resource's audited writes. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number] | `${string}_${'created' | 'updated' | 'deleted'}`;

export const AUDIT_OBJECT_TYPES = ['user', 'token', 'product'] as const;
/** Tessera's own object types, or an audited resource's (generics/viewsets.ts). */
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number] | (string & {});

export interface AuditActor {
  /** null: not an account (the CLI's `cli:<OS user>`). */
  readonly id: number | null;
  readonly username: string;
}

export interface AuditEntry {
  readonly action: AuditAction;
  /** null: the CLI, or nobody yet (a failed login). */
  readonly actor: AuditActor | null;
  readonly objectType: AuditObjectType;
  readonly objectId: number | string | null;
  readonly objectRepr: string;
  /** {"field": [old, new]} for updates, the values set for creates; never secrets. */
  readonly changes?: Readonly<Record<string, unknown>>;
  readonly ip: string | null;
}

const OBJECT_REPR_MAX_LENGTH = 200;

/** Writes one entry; throws on failure (admin writes pass their transaction). */
export async function writeAuditEntry(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await auditEntryInsert(db, entry).execute();
}

/**
 * The statement that writes one entry, unrun: for a write whose statements Db.write runs
 * (generics/viewsets.ts). `db` only builds it.
 */
export function auditEntryInsert(db: Kysely<Database>, entry: AuditEntry): InsertQueryBuilder<Database, 'tessera_audit_log', InsertResult> {
  return db
    .insertInto('tessera_audit_log')
    .values({
      created: nowTimestamp(),
      actor_id: entry.actor?.id ?? null,
      actor_username: entry.actor?.username ?? null,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId === null ? null : String(entry.objectId),
      object_repr: [...entry.objectRepr].slice(0, OBJECT_REPR_MAX_LENGTH).join(''),
      changes: JSON.stringify(entry.changes ?? {}),
      ip: entry.ip,
    });
}

/** The object an entry is about. */
export interface AuditedObject {
  readonly type: AuditObjectType;
  readonly id: number | string | null;
  readonly repr: string;
}

/** Records a write made by an HTTP request (the admin), in the caller's transaction. */
export function auditRequestWrite(
  db: Kysely<Database>,
  request: FastifyRequest,
  action: AuditAction,
  object: AuditedObject,
  changes?: Readonly<Record<string, unknown>>,
): Promise<void> {
  return writeAuditEntry(db, requestAuditEntry(request, action, object, changes));
}

/** The entry for a write made by an HTTP request: its actor and address, and what it did to which object. */
export function requestAuditEntry(request: FastifyRequest, action: AuditAction, object: AuditedObject, changes?: Readonly<Record<string, unknown>>): AuditEntry {
  return {
    ...requestOrigin(request),
    action,
    objectType: object.type,
    objectId: object.id,
    objectRepr: object.repr,
    ...(changes === undefined ? {} : { changes }),
  };
}

/** The actor and address of a request, as audit entries name them. */
function requestOrigin(request: FastifyRequest): { actor: AuditActor | null; ip: string | null } {
  const user = request.user;
  return { actor: user === null ? null : { id: user.id, username: user.username }, ip: request.ip ?? null };
}

function entryForAuthEvent(event: AuthEvent, ip: string | null): AuditEntry {
  const known = event.userId !== undefined && event.userId !== null;
  // A failed or throttled login has no actor yet: the name tried is the object.
  const byTheUser = event.action !== 'login_failed' && event.action !== 'login_throttled' && known;
  return {
    action: event.action,
    actor: byTheUser ? { id: event.userId!, username: event.username } : null,
    objectType: event.action.startsWith('token_') ? 'token' : 'user',
    objectId: known ? event.userId! : null,
    objectRepr: event.username,
    ...(event.scheme === undefined ? {} : { changes: { scheme: event.scheme } }),
    ip,
  };
}

/**
 * AuthEvents that go to the audit log (and, for failures, the operator's log too). Never
 * throws: a login must not fail because its audit entry could not be written.
 */
export function auditAuthEvents(db: Kysely<Database>, logger: FastifyBaseLogger): AuthEvents {
  return {
    async record(request, event) {
      logAuthEvent(logger, request, event);
      try {
        await writeAuditEntry(db, entryForAuthEvent(event, request.ip ?? null));
      } catch (error) {
        logger.error({ err: error, auth: event }, 'could not write an audit log entry');
      }
    },
  };
}

/** Records an authentication event made outside HTTP (the CLI): no actor, no address. */
export async function recordCommandEvent(db: Kysely<Database>, event: AuthEvent): Promise<void> {
  await writeAuditEntry(db, { ...entryForAuthEvent(event, null), actor: null });
}
