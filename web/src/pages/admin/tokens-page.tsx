/**
 * Admin → Tokens: who has a token (a key prefix, never the key), searchable and sortable
 * (in the URL); reset (the new key shown once) or revoke, each after a confirmation. With
 * TOKEN_MODE=per-device, each user's device tokens are listed below (devices-section.tsx).
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
import { DeviceTokensSection } from './devices-section.tsx';
import { DataTable, ListBody, Pager, SearchForm, useAdminList, useConfirmedAction, useListParams } from './list-tools.tsx';
import type { Column } from './list-tools.tsx';
import { NewKeyDialog } from './user-dialogs.tsx';

type Confirm = { kind: 'reset' | 'revoke'; token: AdminToken };

const COLUMNS: Column<AdminToken>[] = [
  { label: 'User', sort: 'username', rowHeader: true, className: 'data-table__name', cell: (token) => token.user.username },
  { label: 'Key', cell: (token) => <code>{token.key_prefix}…</code> },
  { label: 'Created', sort: 'created', cell: (token) => <time dateTime={token.created}>{formatDateTime(token.created)}</time> },
];

export function TokensPage(): ReactElement {
  return <AdminLayout>{(me) => <Tokens me={me} />}</AdminLayout>;
}

function Tokens({ me }: { me: AdminMe }): ReactElement {
  const api = useApi();
  const { adoptToken } = useAuth();
  const { params, update } = useListParams({ search: '', ordering: '-created' });
  const page = Number(params.page) || 1;
  const list = useAdminList('tokens', listTokens, params);
  const [newKey, setNewKey] = useState<CreatedToken | null>(null);
  const [notice, setNotice] = useState('');

  const confirmation = useConfirmedAction<Confirm>(async ({ kind, token }) => {
    if (kind === 'reset') {
      const created = await resetToken(api, token.user.id);
      if (created.user.id === me.id) adoptToken(created.key);
      setNewKey(created);
      setNotice(`Made a new token for ${token.user.username}.`);
    } else {
      await revokeToken(api, token.user.id);
      setNotice(`Revoked the token of ${token.user.username}.`);
    }
  });
  const confirm = confirmation.subject;

  return (
    <>
      <div className="page-head">
        <PageHeading>Tokens</PageHeading>
      </div>
      <p className="muted">Tokens are made when a user signs in, or with “Create token” on the Users page.</p>
      <SearchForm label="Search by username" value={params.search ?? ''} onSearch={(value) => update({ search: value })} />
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      <ListBody query={list} what="tokens" empty="No tokens match.">
        {(result) => (
          <>
            <DataTable
              caption="Tokens"
              rows={result.results}
              rowKey={(token) => token.user.id}
              rowData={(token) => ({ username: token.user.username })}
              columns={COLUMNS}
              ordering={params.ordering}
              onOrder={(ordering) => update({ ordering })}
              actions={(token) => (
                <>
                  <button type="button" className="button button--small" onClick={() => confirmation.ask({ kind: 'reset', token })}>
                    Reset<span className="visually-hidden"> the token of {token.user.username}</span>
                  </button>
                  <button type="button" className="button button--small button--danger-outline" onClick={() => confirmation.ask({ kind: 'revoke', token })}>
                    Revoke<span className="visually-hidden"> the token of {token.user.username}</span>
                  </button>
                </>
              )}
            />
            <Pager page={result} number={page} noun={['token', 'tokens']} onPage={(number) => update({ page: String(number) })} />
          </>
        )}
      </ListBody>

      <DeviceTokensSection search={params.search ?? ''} onNotice={setNotice} />

      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'reset' ? 'Reset token?' : 'Revoke token?'}
          confirmLabel={confirm.kind === 'reset' ? 'Reset token' : 'Revoke'}
          busyLabel={confirm.kind === 'reset' ? 'Resetting…' : 'Revoking…'}
          busy={confirmation.busy}
          errors={confirmation.errors}
          onCancel={confirmation.cancel}
          onConfirm={confirmation.confirm}
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
