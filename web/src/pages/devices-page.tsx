/**
 * Devices: where the user is signed in (TOKEN_MODE=per-device: one token per device, each
 * with its name, when it signed in and when it expires), signing one device out, and
 * "Sign out everywhere" (`POST /api/logout-all/`, which deletes every token of the user,
 * this device's included). On a server with one token per user there is no list, and
 * signing out everywhere is the one thing to do.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement } from 'react';
import { listDevices, signOutDevice } from '../api/auth.ts';
import { errorMessages, queryKeys } from '../api/query.tsx';
import type { Device } from '../api/types.ts';
import { useApi, useAuth } from '../auth/auth-context.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { Notice } from '../components/notice.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { formatDateTime } from '../lib/format.ts';

type Confirm = { kind: 'one'; device: Device } | { kind: 'everywhere' };

export function DevicesPage(): ReactElement {
  const api = useApi();
  const { signOutEverywhere } = useAuth();
  const queryClient = useQueryClient();
  const devices = useQuery({ queryKey: queryKeys.devices, queryFn: ({ signal }) => listDevices(api, { signal }) });
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [notice, setNotice] = useState('');
  const action = useMutation({
    mutationFn: async (subject: Confirm) => {
      if (subject.kind === 'everywhere') await signOutEverywhere();
      else await signOutDevice(api, subject.device.id);
    },
    onSuccess: async (_result, subject) => {
      setConfirm(null);
      if (subject.kind === 'one') {
        setNotice(`Signed out “${subject.device.name || 'unnamed device'}”.`);
        await queryClient.invalidateQueries({ queryKey: queryKeys.devices });
      }
    },
  });
  // 404: this server gives one token per user, not one per device.
  const perUser = devices.isError && devices.error.status === 404;

  return (
    <>
      <div className="page-head">
        <PageHeading>Devices</PageHeading>
        <button type="button" className="button button--danger-outline" onClick={() => { action.reset(); setConfirm({ kind: 'everywhere' }); }}>
          Sign out everywhere
        </button>
      </div>
      <Notice tone="success" onDismiss={notice ? () => setNotice('') : undefined}>
        {notice}
      </Notice>
      {devices.isPending ? (
        <div className="panel panel--center" role="status" aria-busy="true">
          <span className="spinner" aria-hidden="true" />
          <p>Loading devices…</p>
        </div>
      ) : perUser ? (
        <div className="panel">
          <p>This server gives you one token for all your devices, so they cannot be signed out one by one.</p>
          <p className="muted">“Sign out everywhere” ends the session on every device, this one included.</p>
        </div>
      ) : devices.isError ? (
        <div className="panel panel--center">
          <FormAlert title="Your devices could not be loaded." messages={errorMessages(devices.error)} />
          <button type="button" className="button" onClick={() => void devices.refetch()}>Try again</button>
        </div>
      ) : (
        <ul className="device-list">
          {devices.data.map((device) => (
            <li key={device.id} className="device-list__item" data-device-id={device.id}>
              <div>
                <p className="device-list__name">
                  {device.name || <span className="muted">Unnamed device</span>}
                  {device.current ? <span className="badge badge--yes">This device</span> : null}
                </p>
                <p className="muted device-list__meta">
                  Signed in <time dateTime={device.created}>{formatDateTime(device.created)}</time>
                  {' · '}
                  {device.expires ? <>expires <time dateTime={device.expires}>{formatDateTime(device.expires)}</time></> : 'does not expire'}
                </p>
              </div>
              {device.current ? null : (
                <button type="button" className="button button--small button--danger-outline" onClick={() => { action.reset(); setConfirm({ kind: 'one', device }); }}>
                  Sign out<span className="visually-hidden"> {device.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'everywhere' ? 'Sign out everywhere?' : 'Sign out this device?'}
          confirmLabel="Sign out"
          busyLabel="Signing out…"
          busy={action.isPending}
          errors={errorMessages(action.error)}
          onCancel={() => setConfirm(null)}
          onConfirm={() => action.mutate(confirm)}
        >
          <p>
            {confirm.kind === 'everywhere'
              ? 'Every device signed in as you, this one included, must sign in again.'
              : <>“<strong>{confirm.device.name || 'Unnamed device'}</strong>” must sign in again; your other devices stay signed in.</>}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
