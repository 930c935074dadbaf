/**
 * Admin → Tokens, below the account tokens: the per-device tokens (TOKEN_MODE=per-device),
 * one row per signed-in device with its name, when it signed in and when its token
 * expires, each revocable on its own after a confirmation. Hidden when there are none
 * (the other token mode, or nobody signed in on a device).
 */
import type { ReactElement } from 'react';
import { listAdminDevices, revokeAdminDevice } from '../../api/admin.ts';
import type { AdminDevice } from '../../api/admin.ts';
import { useApi } from '../../auth/auth-context.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { DataTable, useAdminList, useConfirmedAction } from './list-tools.tsx';
import type { Column } from './list-tools.tsx';

const COLUMNS: Column<AdminDevice>[] = [
  { label: 'User', rowHeader: true, className: 'data-table__name', cell: (device) => device.user.username },
  { label: 'Device', className: 'data-table__text', cell: (device) => device.name || <span className="muted">unnamed</span> },
  { label: 'Signed in', cell: (device) => <time dateTime={device.created}>{formatDateTime(device.created)}</time> },
  { label: 'Expires', cell: (device) => (device.expires ? <time dateTime={device.expires}>{formatDateTime(device.expires)}</time> : <span className="muted">never</span>) },
];

export function DeviceTokensSection({ search, onNotice }: { search: string; onNotice(message: string): void }): ReactElement | null {
  const api = useApi();
  const list = useAdminList('devices', listAdminDevices, { search, page_size: 100 });
  const revoke = useConfirmedAction<AdminDevice>(async (device) => {
    await revokeAdminDevice(api, device.id);
    onNotice(`Signed out ${device.user.username} on “${device.name || 'unnamed'}”.`);
  });
  const devices = list.data?.results ?? [];
  if (devices.length === 0) return null;
  return (
    <section className="admin-section" aria-labelledby="device-tokens">
      <h2 id="device-tokens" className="section-title">Device tokens</h2>
      <p className="muted">One token per signed-in device; revoking one signs out only that device. When a token was last used is not recorded.</p>
      <DataTable
        caption="Device tokens"
        rows={devices}
        rowKey={(device) => device.id}
        columns={COLUMNS}
        actions={(device) => (
          <button type="button" className="button button--small button--danger-outline" onClick={() => revoke.ask(device)}>
            Revoke<span className="visually-hidden"> {device.user.username} on {device.name}</span>
          </button>
        )}
      />
      {revoke.subject ? (
        <ConfirmDialog
          title="Revoke device token?"
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          busy={revoke.busy}
          errors={revoke.errors}
          onCancel={revoke.cancel}
          onConfirm={revoke.confirm}
        >
          <p>
            <strong>{revoke.subject.user.username}</strong> is signed out on “{revoke.subject.name || 'unnamed'}” at once; their other devices stay signed in.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
