/**
 * Admin → Audit log: every admin write, login, failed login, logout and token change,
 * newest first (or oldest, by the When column), filtered by actor, action, object type and
 * day, all in the URL. `?object_type=user&object_id=3` is one object's history, as the
 * History links of the Users and Products pages open it.
 */
import type { ReactElement } from 'react';
import { AUDIT_ACTIONS, listAudit } from '../../api/admin.ts';
import type { AuditEntry, ListQuery } from '../../api/admin.ts';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../router/index.ts';
import { AdminLayout } from './admin-layout.tsx';
import { DataTable, DateFilter, FilterSelect, ListBody, Pager, SearchForm, useAdminList, useListParams } from './list-tools.tsx';
import type { Column } from './list-tools.tsx';

const ACTION_OPTIONS = [['', 'Any action'], ...AUDIT_ACTIONS.map((action) => [action, actionLabel(action)] as const)] as const;
const TYPE_OPTIONS = [['', 'Any object'], ['user', 'Users'], ['token', 'Tokens'], ['product', 'Products']] as const;

function actionLabel(action: string): string {
  if (action === 'throttle_deleted') return 'Login throttle cleared';
  const text = action.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** {"is_active": [true, false]} → "is_active: true → false"; created values as "name: value". */
function describeChanges(changes: AuditEntry['changes']): string {
  return Object.entries(changes)
    .map(([field, value]) => (Array.isArray(value) && value.length === 2 ? `${field}: ${JSON.stringify(value[0])} → ${JSON.stringify(value[1])}` : `${field}: ${JSON.stringify(value)}`))
    .join('; ');
}

/** The day after `YYYY-MM-DD`: "to" a day includes all of it (the API's `until` is exclusive). */
function dayAfter(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

const COLUMNS: Column<AuditEntry>[] = [
  { label: 'When', sort: 'created', cell: (entry) => <time dateTime={entry.created} title={entry.created}>{formatDateTime(entry.created)}</time> },
  { label: 'Who', cell: (entry) => (entry.actor ? entry.actor.username : <span className="muted">{entry.ip === null ? 'command line' : 'nobody'}</span>) },
  { label: 'Action', cell: (entry) => actionLabel(entry.action) },
  { label: 'Object', className: 'data-table__text', cell: (entry) => <><span className="muted">{entry.object_type}</span> {entry.object_repr}</> },
  { label: 'Changes', className: 'data-table__changes', cell: (entry) => describeChanges(entry.changes) || <span className="muted">—</span> },
  { label: 'Address', cell: (entry) => entry.ip ?? <span className="muted">—</span> },
];

export function AuditLogPage(): ReactElement {
  return <AdminLayout>{() => <AuditLog />}</AdminLayout>;
}

function AuditLog(): ReactElement {
  const { params, update } = useListParams({ actor: '', action: '', object_type: '', object_id: '', from: '', to: '', ordering: '-created' });
  const page = Number(params.page) || 1;
  const { from = '', to = '', ...rest } = params;
  const query: ListQuery = { ...rest, since: from, until: to ? dayAfter(to) : '' };
  const list = useAdminList('audit-log', listAudit, query);
  const objectId = params.object_id ?? '';

  return (
    <>
      <div className="page-head">
        <PageHeading>Audit log</PageHeading>
      </div>
      {objectId ? (
        <p className="history-note">
          History of {params.object_type || 'object'} #{objectId}.{' '}
          <Link to="/admin/audit-log">Show every entry</Link>
        </p>
      ) : null}
      <SearchForm label="Actor (username)" value={params.actor ?? ''} onSearch={(value) => update({ actor: value })}>
        <FilterSelect label="Action" value={params.action ?? ''} options={ACTION_OPTIONS} onChange={(value) => update({ action: value })} />
        <FilterSelect label="Object" value={params.object_type ?? ''} options={TYPE_OPTIONS} onChange={(value) => update({ object_type: value, object_id: '' })} />
        <DateFilter label="From" value={from} onChange={(value) => update({ from: value })} />
        <DateFilter label="To" value={to} onChange={(value) => update({ to: value })} />
      </SearchForm>
      <ListBody query={list} what="audit log" empty="No entries match.">
        {(result) => (
          <>
            <DataTable
              caption="Audit log"
              rows={result.results}
              rowKey={(entry) => entry.id}
              rowData={(entry) => ({ action: entry.action })}
              columns={COLUMNS}
              ordering={params.ordering}
              onOrder={(ordering) => update({ ordering })}
            />
            <Pager page={result} number={page} noun={['entry', 'entries']} onPage={(number) => update({ page: String(number) })} />
          </>
        )}
      </ListBody>
    </>
  );
}
