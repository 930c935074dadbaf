/**
 * Admin → Audit log: every admin write, login, failed login, logout and token change,
 * newest first, filtered by action, object type and actor.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import { AUDIT_ACTIONS, listAudit } from '../../api/admin.ts';
import type { AuditEntry } from '../../api/admin.ts';
import { useApi } from '../../auth/auth-context.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminTable, FilterSelect, ListBody, SearchForm, usePagedList } from './list-tools.tsx';

const ACTION_OPTIONS = [['', 'Any action'], ...AUDIT_ACTIONS.map((action) => [action, actionLabel(action)] as const)] as const;
const TYPE_OPTIONS = [['', 'Any object'], ['user', 'Users'], ['token', 'Tokens'], ['product', 'Products']] as const;

function actionLabel(action: string): string {
  const text = action.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** {"is_active": [true, false]} → "is_active: true → false"; created values as "name: value". */
function describeChanges(changes: AuditEntry['changes']): string {
  return Object.entries(changes)
    .map(([field, value]) => (Array.isArray(value) && value.length === 2 ? `${field}: ${JSON.stringify(value[0])} → ${JSON.stringify(value[1])}` : `${field}: ${JSON.stringify(value)}`))
    .join('; ');
}

export function AuditLogPage(): ReactElement {
  return <AdminLayout>{() => <AuditLog />}</AdminLayout>;
}

function AuditLog(): ReactElement {
  const api = useApi();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [objectType, setObjectType] = useState('');
  const [page, setPage] = useState(1);
  const { state, reload } = usePagedList((q, signal) => listAudit(api, q, { signal }), { actor, action, object_type: objectType, page });

  return (
    <>
      <div className="page-head">
        <PageHeading>Audit log</PageHeading>
      </div>
      <SearchForm label="Actor (username)" value={actor} onSearch={(value) => { setActor(value); setPage(1); }}>
        <FilterSelect label="Action" value={action} options={ACTION_OPTIONS} onChange={(value) => { setAction(value); setPage(1); }} />
        <FilterSelect label="Object" value={objectType} options={TYPE_OPTIONS} onChange={(value) => { setObjectType(value); setPage(1); }} />
      </SearchForm>
      <ListBody state={state} what="audit log" empty="No entries match." onRetry={reload}>
        {(result) => (
          <AdminTable caption="Audit log" columns={['When', 'Who', 'Action', 'Object', 'Changes', 'Address']} page={result} number={page} noun={['entry', 'entries']} onPage={setPage}>
            {result.results.map((entry) => (
              <tr key={entry.id} data-action={entry.action}>
                <td><time dateTime={entry.created} title={entry.created}>{formatDateTime(entry.created)}</time></td>
                <td>{entry.actor ? entry.actor.username : <span className="muted">{entry.ip === null ? 'command line' : 'nobody'}</span>}</td>
                <td>{actionLabel(entry.action)}</td>
                <td>
                  <span className="muted">{entry.object_type}</span> {entry.object_repr}
                </td>
                <td className="data-table__changes">{describeChanges(entry.changes) || <span className="muted">—</span>}</td>
                <td>{entry.ip ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </AdminTable>
        )}
      </ListBody>
    </>
  );
}
