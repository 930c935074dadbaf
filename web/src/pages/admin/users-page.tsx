/**
 * Admin → Users: search, filter by active/staff, page through; create, edit (deactivate,
 * staff, superuser, password), reset the token (the new key shown once) and delete, each
 * destructive action behind a confirmation. A superuser's account and token are only a
 * superuser's to change; other staff see that said in the row instead of the buttons.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import { deleteUser, listUsers, resetToken } from '../../api/admin.ts';
import type { AdminMe, AdminUser, CreatedToken } from '../../api/admin.ts';
import { useApi, useAuth } from '../../auth/auth-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminTable, FilterSelect, ListBody, SearchForm, useConfirmedAction, usePagedList, YesNo } from './list-tools.tsx';
import { NewKeyDialog, UserFormDialog } from './user-dialogs.tsx';

const YES_NO_ANY = (yes: string, no: string) => [['', 'Any'], ['true', yes], ['false', no]] as const;

type Confirm = { kind: 'delete' | 'reset'; user: AdminUser };

export function UsersPage(): ReactElement {
  return <AdminLayout>{(me) => <Users me={me} />}</AdminLayout>;
}

function Users({ me }: { me: AdminMe }): ReactElement {
  const api = useApi();
  const { adoptToken } = useAuth();
  const [search, setSearch] = useState('');
  const [active, setActive] = useState('');
  const [staff, setStaff] = useState('');
  const [page, setPage] = useState(1);
  const query = { search, is_active: active, is_staff: staff, page };
  const { state, reload } = usePagedList((q, signal) => listUsers(api, q, { signal }), query);
  const [editor, setEditor] = useState<{ user?: AdminUser } | null>(null);
  const confirmation = useConfirmedAction<Confirm>();
  const confirm = confirmation.pending?.subject ?? null;
  const [newKey, setNewKey] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useState('');

  function runConfirmed(): Promise<void> {
    return confirmation.run(async ({ kind, user }) => {
      if (kind === 'delete') {
        await deleteUser(api, user.id);
        setNotice(`Deleted user ${user.username}.`);
      } else {
        const created = await resetToken(api, user.id);
        // One's own key: the old one is dead already; carry on with the new one.
        if (created.user.id === me.id) adoptToken(created.key);
        setNewKey(created);
        setNotice(`Made a new token for ${user.username}.`);
      }
      reload();
    });
  }

  return (
    <>
      <div className="page-head">
        <PageHeading>Users</PageHeading>
        <button type="button" className="button button--primary" onClick={() => setEditor({})}>
          New user
        </button>
      </div>
      <SearchForm label="Search users" value={search} onSearch={(value) => { setSearch(value); setPage(1); }}>
        <FilterSelect label="Active" value={active} options={YES_NO_ANY('Active', 'Inactive')} onChange={(value) => { setActive(value); setPage(1); }} />
        <FilterSelect label="Staff" value={staff} options={YES_NO_ANY('Staff', 'Not staff')} onChange={(value) => { setStaff(value); setPage(1); }} />
      </SearchForm>
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <ListBody state={state} what="users" empty="No users match." onRetry={reload}>
        {(result) => (
          <AdminTable caption="Users" columns={['Username', 'Email', 'Status', 'Token', 'Joined', null]} page={result} number={page} noun={['user', 'users']} onPage={setPage}>
            {result.results.map((user) => (
              <tr key={user.id} data-username={user.username}>
                <th scope="row">
                  {user.username}
                  <FullName user={user} />
                </th>
                <td>{user.email || <span className="muted">—</span>}</td>
                <td className="data-table__status">
                  <span className={user.is_active ? 'badge badge--yes' : 'badge badge--off'}>{user.is_active ? 'Active' : 'Inactive'}</span>
                  {user.is_staff ? <span className="badge badge--no">Staff</span> : null}
                  {user.is_superuser ? <span className="badge badge--no">Superuser</span> : null}
                </td>
                <td><YesNo value={user.has_token} /></td>
                <td><time dateTime={user.date_joined}>{formatDateTime(user.date_joined)}</time></td>
                <td className="data-table__actions">
                  {user.is_superuser && !me.is_superuser ? (
                    // The server refuses it (docs/admin-api.md): say so rather than offer buttons that fail.
                    <span className="data-table__sub">Only a superuser can change a superuser.</span>
                  ) : (
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
                  )}
                </td>
              </tr>
            ))}
          </AdminTable>
        )}
      </ListBody>

      {editor ? (
        <UserFormDialog
          key={editor.user?.id ?? 'new'}
          me={me}
          user={editor.user}
          onClose={() => setEditor(null)}
          onSaved={(_user, message) => {
            setEditor(null);
            setNotice(message);
            reload();
          }}
        />
      ) : null}

      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'delete' ? 'Delete user?' : confirm.user.has_token ? 'Reset token?' : 'Create token?'}
          confirmLabel={confirm.kind === 'delete' ? 'Delete' : confirm.user.has_token ? 'Reset token' : 'Create token'}
          busyLabel={confirm.kind === 'delete' ? 'Deleting…' : 'Working…'}
          busy={confirmation.pending!.busy}
          errors={confirmation.pending!.errors}
          onCancel={confirmation.cancel}
          onConfirm={() => void runConfirmed()}
        >
          {confirm.kind === 'delete' ? (
            <p>
              <strong>{confirm.user.username}</strong> and their token will be deleted permanently. This cannot be undone.
            </p>
          ) : (
            <p>
              {confirm.user.has_token
                ? <>The current key of <strong>{confirm.user.username}</strong> stops working at once; every client using it must sign in again.</>
                : <>A token will be made for <strong>{confirm.user.username}</strong>.</>}
            </p>
          )}
        </ConfirmDialog>
      ) : null}

      {newKey ? <NewKeyDialog token={newKey} onClose={() => setNewKey(null)} /> : null}
    </>
  );
}

function FullName({ user }: { user: AdminUser }): ReactElement | null {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name ? <span className="data-table__sub">{name}</span> : null;
}
