/**
 * Admin → Tokens: who has a token (a key prefix, never the key), search by username;
 * reset (the new key shown once) or revoke, each after a confirmation.
 */
import { useState } from 'react';
import type { ReactElement } from 'react';
import { listTokens, resetToken, revokeToken } from '../../api/admin.ts';
import type { AdminMe, AdminToken, CreatedToken } from '../../api/admin.ts';
import { useApi, useAuth } from '../../auth/auth-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Notice } from '../../components/notice.tsx';
import { PageHeading } from '../../components/page-heading.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { AdminLayout } from './admin-layout.tsx';
import { AdminTable, ListBody, SearchForm, useConfirmedAction, usePagedList } from './list-tools.tsx';
import { NewKeyDialog } from './user-dialogs.tsx';

type Confirm = { kind: 'reset' | 'revoke'; token: AdminToken };

export function TokensPage(): ReactElement {
  return <AdminLayout>{(me) => <Tokens me={me} />}</AdminLayout>;
}

function Tokens({ me }: { me: AdminMe }): ReactElement {
  const api = useApi();
  const { adoptToken } = useAuth();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const { state, reload } = usePagedList((q, signal) => listTokens(api, q, { signal }), { search, page });
  const confirmation = useConfirmedAction<Confirm>();
  const confirm = confirmation.pending?.subject ?? null;
  const [newKey, setNewKey] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useState('');

  function runConfirmed(): Promise<void> {
    return confirmation.run(async ({ kind, token }) => {
      if (kind === 'reset') {
        const created = await resetToken(api, token.user.id);
        if (created.user.id === me.id) adoptToken(created.key);
        setNewKey(created);
        setNotice(`Made a new token for ${token.user.username}.`);
      } else {
        await revokeToken(api, token.user.id);
        setNotice(`Revoked the token of ${token.user.username}.`);
      }
      reload();
    });
  }

  return (
    <>
      <div className="page-head">
        <PageHeading>Tokens</PageHeading>
      </div>
      <p className="muted">Tokens are made when a user signs in, or with “Create token” on the Users page.</p>
      <SearchForm label="Search by username" value={search} onSearch={(value) => { setSearch(value); setPage(1); }} />
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <ListBody state={state} what="tokens" empty="No tokens match." onRetry={reload}>
        {(result) => (
          <AdminTable caption="Tokens" columns={['User', 'Key', 'Created', null]} page={result} number={page} noun={['token', 'tokens']} onPage={setPage}>
            {result.results.map((token) => (
              <tr key={token.user.id} data-username={token.user.username}>
                <th scope="row">{token.user.username}</th>
                <td><code>{token.key_prefix}…</code></td>
                <td><time dateTime={token.created}>{formatDateTime(token.created)}</time></td>
                <td className="data-table__actions">
                  <button type="button" className="button button--small" onClick={() => confirmation.ask({ kind: 'reset', token })}>
                    Reset<span className="visually-hidden"> the token of {token.user.username}</span>
                  </button>
                  <button type="button" className="button button--small button--danger-outline" onClick={() => confirmation.ask({ kind: 'revoke', token })}>
                    Revoke<span className="visually-hidden"> the token of {token.user.username}</span>
                  </button>
                </td>
              </tr>
            ))}
          </AdminTable>
        )}
      </ListBody>

      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'reset' ? 'Reset token?' : 'Revoke token?'}
          confirmLabel={confirm.kind === 'reset' ? 'Reset token' : 'Revoke'}
          busyLabel={confirm.kind === 'reset' ? 'Resetting…' : 'Revoking…'}
          busy={confirmation.pending!.busy}
          errors={confirmation.pending!.errors}
          onCancel={confirmation.cancel}
          onConfirm={() => void runConfirmed()}
        >
          <p>
            The key of <strong>{confirm.token.user.username}</strong> (<code>{confirm.token.key_prefix}…</code>) stops working at once
            {confirm.kind === 'reset' ? '; a new key replaces it.' : '; they get a new one when they next sign in.'}
          </p>
        </ConfirmDialog>
      ) : null}

      {newKey ? <NewKeyDialog token={newKey} onClose={() => setNewKey(null)} /> : null}
    </>
  );
}
