/**
 * Admin → Users: search, filter by active/staff, sort by column, page through, all kept
 * in the URL; create, edit (deactivate, staff, superuser, password), reset the token (the
 * new key shown once), delete, and the same for several users at once, each destructive
 * action behind one confirmation. A superuser's account and token are only a superuser's
 * to change; other staff see that said in the row instead of the buttons.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import { deleteUser, listUsers, resetToken, updateUser } from '../../api/admin.ts';
import type { AdminMe, AdminUser, CreatedToken } from '../../api/admin.ts';
import { ApiError } from '../../api/errors.ts';
import { useApi, useAuth } from '../../auth/auth-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../router/index.ts';
import { AdminLayout } from './admin-layout.tsx';
import { BulkBar, DataTable, FilterSelect, ListBody, Pager, runBulk, SearchForm, useAdminList, useConfirmedAction, useListParams, YesNo } from './list-tools.tsx';
import type { Column } from './list-tools.tsx';
import { ThrottleTool } from './throttle-tool.tsx';
import { NewKeyDialog, UserFormDialog } from './user-dialogs.tsx';

const YES_NO_ANY = (yes: string, no: string) => [['', 'Any'], ['true', yes], ['false', no]] as const;

type Confirm =
  | { kind: 'delete'; user: AdminUser }
  | { kind: 'reset'; user: AdminUser }
  | { kind: 'bulk-delete' | 'bulk-deactivate'; users: AdminUser[] };

export function UsersPage(): ReactElement {
  return <AdminLayout>{(me) => <Users me={me} />}</AdminLayout>;
}

function canChange(me: AdminMe, user: AdminUser): boolean {
  return !(user.is_superuser && !me.is_superuser);
}

function Users({ me }: { me: AdminMe }): ReactElement {
  const api = useApi();
  const { adoptToken } = useAuth();
  const { params, update } = useListParams({ search: '', is_active: '', is_staff: '', ordering: 'id' });
  const page = Number(params.page) || 1;
  const list = useAdminList('users', listUsers, params);
  const [editor, setEditor] = useState<{ user?: AdminUser } | null>(null);
  const [newKey, setNewKey] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useState('');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const rows = list.data?.results ?? [];

  const confirmation = useConfirmedAction<Confirm>(async (subject) => {
    if (subject.kind === 'delete') {
      await deleteUser(api, subject.user.id);
      setNotice(`Deleted user ${subject.user.username}.`);
    } else if (subject.kind === 'reset') {
      const created = await resetToken(api, subject.user.id);
      // One's own key: the old one is dead already; carry on with the new one.
      if (created.user.id === me.id) adoptToken(created.key);
      setNewKey(created);
      setNotice(`Made a new token for ${subject.user.username}.`);
    } else {
      const deleting = subject.kind === 'bulk-delete';
      const names = new Map(subject.users.map((user) => [user.id, user.username]));
      const { done, failed } = await runBulk(
        subject.users.map((user) => user.id),
        (id) => (deleting ? deleteUser(api, id) : updateUser(api, id, { is_active: false }).then(() => undefined)),
        (id) => names.get(id) ?? String(id),
      );
      setSelected(new Set());
      if (done.length > 0) setNotice(`${deleting ? 'Deleted' : 'Deactivated'} ${done.length} ${done.length === 1 ? 'user' : 'users'}: ${done.map((id) => names.get(id)).join(', ')}.`);
      if (failed.length > 0) throw new ApiError({ status: 400, nonFieldErrors: failed });
    }
  });
  const confirm = confirmation.subject;

  const columns: Column<AdminUser>[] = [
    { label: 'Username', sort: 'username', rowHeader: true, className: 'data-table__name', cell: (user) => <>{user.username}<FullName user={user} /></> },
    { label: 'Email', sort: 'email', className: 'data-table__email', cell: (user) => user.email || <span className="muted">—</span> },
    {
      label: 'Status',
      className: 'data-table__status',
      cell: (user) => (
        <>
          <span className={user.is_active ? 'badge badge--yes' : 'badge badge--off'}>{user.is_active ? 'Active' : 'Inactive'}</span>
          {user.is_staff ? <span className="badge badge--no">Staff</span> : null}
          {user.is_superuser ? <span className="badge badge--no">Superuser</span> : null}
        </>
      ),
    },
    { label: 'Token', cell: (user) => <YesNo value={user.has_token} /> },
    { label: 'Joined', sort: 'date_joined', cell: (user) => <time dateTime={user.date_joined}>{formatDateTime(user.date_joined)}</time> },
  ];

  const chosen = rows.filter((user) => selected.has(user.id));

  return (
    <>
      <div className="page-head">
        <PageHeading>Users</PageHeading>
        <button type="button" className="button button--primary" onClick={() => setEditor({})}>
          New user
        </button>
      </div>
      <SearchForm label="Search users" value={params.search ?? ''} onSearch={(value) => update({ search: value })}>
        <FilterSelect label="Active" value={params.is_active ?? ''} options={YES_NO_ANY('Active', 'Inactive')} onChange={(value) => update({ is_active: value })} />
        <FilterSelect label="Staff" value={params.is_staff ?? ''} options={YES_NO_ANY('Staff', 'Not staff')} onChange={(value) => update({ is_staff: value })} />
      </SearchForm>
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <BulkBar count={chosen.length} noun={['user', 'users']} onClear={() => setSelected(new Set())}>
        <button type="button" className="button button--small" onClick={() => confirmation.ask({ kind: 'bulk-deactivate', users: chosen })}>
          Deactivate selected
        </button>
        <button type="button" className="button button--small button--danger-outline" onClick={() => confirmation.ask({ kind: 'bulk-delete', users: chosen })}>
          Delete selected
        </button>
      </BulkBar>
      <ListBody query={list} what="users" empty="No users match.">
        {(result) => (
          <>
            <DataTable
              caption="Users"
              rows={result.results}
              rowKey={(user) => user.id}
              rowData={(user) => ({ username: user.username })}
              columns={columns}
              ordering={params.ordering}
              onOrder={(ordering) => update({ ordering })}
              selection={{
                selected,
                onChange: setSelected,
                // Nobody deactivates or deletes their own account; a superuser's is a superuser's.
                disabled: (id) => {
                  const user = result.results.find((item) => item.id === id);
                  return user === undefined || user.id === me.id || !canChange(me, user);
                },
                label: (id) => result.results.find((item) => item.id === id)?.username ?? String(id),
              }}
              actions={(user) => (
                <>
                  <Link to={`/admin/audit-log?object_type=user&object_id=${user.id}`} className="button button--small button--ghost">
                    History<span className="visually-hidden"> of {user.username}</span>
                  </Link>
                  {canChange(me, user) ? (
                    <>
                      <button type="button" className="button button--small" onClick={() => setEditor({ user })}>
                        Edit<span className="visually-hidden"> {user.username}</span>
                      </button>
                      <button type="button" className="button button--small" onClick={() => confirmation.ask({ kind: 'reset', user })}>
                        {user.has_token ? 'Reset token' : 'Create token'}<span className="visually-hidden"> for {user.username}</span>
                      </button>
                      {user.id === me.id ? null : (
                        <button type="button" className="button button--small button--danger-outline" onClick={() => confirmation.ask({ kind: 'delete', user })}>
                          Delete<span className="visually-hidden"> {user.username}</span>
                        </button>
                      )}
                    </>
                  ) : (
                    // The server refuses it (docs/admin-api.md): say so rather than offer buttons that fail.
                    <span className="data-table__sub">Only a superuser can change a superuser.</span>
                  )}
                </>
              )}
            />
            <Pager page={result} number={page} noun={['user', 'users']} onPage={(number) => update({ page: String(number) })} />
          </>
        )}
      </ListBody>

      <ThrottleTool />

      {editor ? (
        <UserFormDialog
          key={editor.user?.id ?? 'new'}
          me={me}
          user={editor.user}
          onClose={() => setEditor(null)}
          onSaved={(_user, message) => {
            setEditor(null);
            setNotice(message);
          }}
        />
      ) : null}

      {confirm ? (
        <ConfirmDialog
          title={confirmTitle(confirm)}
          confirmLabel={confirmLabel(confirm)}
          busyLabel={confirm.kind === 'reset' ? 'Working…' : confirm.kind === 'bulk-deactivate' ? 'Deactivating…' : 'Deleting…'}
          busy={confirmation.busy}
          errors={confirmation.errors}
          onCancel={confirmation.cancel}
          onConfirm={confirmation.confirm}
        >
          <ConfirmText confirm={confirm} />
        </ConfirmDialog>
      ) : null}

      {newKey ? <NewKeyDialog token={newKey} onClose={() => setNewKey(null)} /> : null}
    </>
  );
}

function confirmTitle(confirm: Confirm): string {
  switch (confirm.kind) {
    case 'delete': return 'Delete user?';
    case 'reset': return confirm.user.has_token ? 'Reset token?' : 'Create token?';
    case 'bulk-delete': return `Delete ${confirm.users.length} ${confirm.users.length === 1 ? 'user' : 'users'}?`;
    case 'bulk-deactivate': return `Deactivate ${confirm.users.length} ${confirm.users.length === 1 ? 'user' : 'users'}?`;
  }
}

function confirmLabel(confirm: Confirm): string {
  switch (confirm.kind) {
    case 'delete': return 'Delete';
    case 'reset': return confirm.user.has_token ? 'Reset token' : 'Create token';
    case 'bulk-delete': return 'Delete all';
    case 'bulk-deactivate': return 'Deactivate all';
  }
}

function ConfirmText({ confirm }: { confirm: Confirm }): ReactElement {
  if (confirm.kind === 'delete') {
    return <p><strong>{confirm.user.username}</strong> and their token will be deleted permanently. This cannot be undone.</p>;
  }
  if (confirm.kind === 'reset') {
    return (
      <p>
        {confirm.user.has_token
          ? <>The current key of <strong>{confirm.user.username}</strong> stops working at once; every client using it must sign in again.</>
          : <>A token will be made for <strong>{confirm.user.username}</strong>.</>}
      </p>
    );
  }
  const names = confirm.users.map((user) => user.username).join(', ');
  return confirm.kind === 'bulk-delete'
    ? <p>These users and their tokens will be deleted permanently: <strong>{names}</strong>. This cannot be undone.</p>
    : <p>These users will not be able to sign in, and their tokens are refused at once: <strong>{names}</strong>.</p>;
}

function FullName({ user }: { user: AdminUser }): ReactElement | null {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name ? <span className="data-table__sub">{name}</span> : null;
}
