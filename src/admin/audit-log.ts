// /api/admin/audit-log/: the audit entries, newest first, read-only, with filters for
// what staff look for (an action, an object, an actor, a time window).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLogRow } from '../db/database.js';
import { storedFromParts, toApiDateTime } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { registerView } from '../http/view.js';
import { parseObjectId } from '../http/params.js';
import { pageOfQuery, queryParam, searchCondition, textFilter, searchTerms, type OrderingSpec } from './lists.js';
import type { AdminResourceOptions } from './options.js';

export interface AdminAuditEntry {
  readonly id: number;
  readonly created: string;
  readonly actor: { readonly id: number | null; readonly username: string } | null;
  readonly action: string;
  readonly object_type: string;
  readonly object_id: string | null;
  readonly object_repr: string;
  readonly changes: unknown;
  readonly ip: string | null;
}

function toAdminAuditEntry(row: AuditLogRow): AdminAuditEntry {
  return {
    id: row.id,
    created: toApiDateTime(row.created),
    actor: row.actor_username === null ? null : { id: row.actor_id, username: row.actor_username },
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    object_repr: row.object_repr,
    changes: JSON.parse(row.changes),
    ip: row.ip,
  };
}

const AUDIT_ORDERING: OrderingSpec = {
  fields: { id: 'id', created: 'created' },
  default: ['-id'],
  tieBreaker: 'id',
};

// ISO 8601 as Django's forms take it: a date, or a date-time with an optional fraction and
// offset (none means UTC, the server's time zone).
const ISO_DATE_TIME = /^(\d{4}-\d\d-\d\d)(?:[T ](\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)(Z|[+-]\d\d:?\d\d)?)?$/;

/** Python's datetime range (MINYEAR, MAXYEAR): a year outside it is no date to Django. */
function inDjangoRange(stored: string): boolean {
  const year = Number(stored.slice(0, 4));
  return /^\d{4}-/.test(stored) && year >= 1 && year <= 9999;
}

/**
 * A ?since= / ?until= value as a stored timestamp (UTC, "YYYY-MM-DD HH:MM:SS.ffffff").
 * Django's forms refuse year 0 (datetime cannot hold it; PostgreSQL would answer a 500), and
 * so does Tessera for a moment that an offset moves out of years 1-9999 in UTC
 * ("0001-01-01T00:00+05:00"), where Django fails converting it to UTC.
 */
function timeFilter(request: FastifyRequest, name: string): string | undefined {
  const raw = queryParam(request, name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const invalid = () => errors.validation({ [name]: ['Enter a valid date/time.'] });
  const match = ISO_DATE_TIME.exec(raw);
  if (match === null || !inDjangoRange(match[1]!)) throw invalid();
  const [, date = '', time = '00:00', offset] = match;
  const [clock = '', fraction = ''] = time.split('.');
  const stored = storedFromParts(date, clock, fraction, offset);
  if (stored === null || !inDjangoRange(stored)) throw invalid();
  return stored;
}

export async function adminAuditRoutes(app: FastifyInstance, options: AdminResourceOptions): Promise<void> {
  const { access } = options;
  const db = options.db.kysely;
  const dialect = options.db.dialect;

  registerView(app, {
    url: '/api/admin/audit-log/',
    name: 'Audit Log',
    access,
    async get(request) {
      let query = db.selectFrom('tessera_audit_log').selectAll();
      for (const [param, column] of [['action', 'action'], ['object_type', 'object_type'], ['object_id', 'object_id'], ['actor', 'actor_username']] as const) {
        const value = textFilter(request, param);
        if (value !== undefined) query = query.where(column, '=', value);
      }
      const since = timeFilter(request, 'since');
      const until = timeFilter(request, 'until');
      if (since !== undefined) query = query.where('created', '>=', since);
      if (until !== undefined) query = query.where('created', '<', until);
      const terms = searchTerms(request);
      if (terms.length > 0) query = query.where((eb) => searchCondition(eb, dialect, ['actor_username', 'object_repr'], terms));
      const page = await pageOfQuery(request, query, AUDIT_ORDERING, toAdminAuditEntry);
      return { status: 200, data: page };
    },
  });

  registerView(app, {
    url: '/api/admin/audit-log/:id/',
    name: 'Audit Log Entry',
    access,
    async get(request) {
      const id = parseObjectId((request.params as { id?: string }).id);
      const row = id === null ? undefined : await db.selectFrom('tessera_audit_log').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw errors.notFound();
      return { status: 200, data: toAdminAuditEntry(row) };
    },
  });
}
