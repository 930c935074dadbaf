import { useId } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { Dialog } from './dialog.tsx';
import { FormAlert } from './form-alert.tsx';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  onConfirm(): void;
  onCancel(): void;
  busy: boolean;
  /** Messages from a failed attempt. */
  errors?: readonly string[];
}

/** "Are you sure?" with the safe choice (Cancel) focused first. */
export function ConfirmDialog(props: ConfirmDialogProps): ReactElement {
  const bodyId = useId();
  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      busy={props.busy}
      role="alertdialog"
      describedBy={bodyId}
      className="dialog--narrow"
    >
      <div className="dialog__body" id={bodyId}>
        {props.children}
      </div>
      <FormAlert messages={props.errors ?? []} />
      <div className="dialog__actions">
        <button type="button" className="button" onClick={props.onCancel} disabled={props.busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={props.onConfirm}
          disabled={props.busy}
          aria-busy={props.busy || undefined}
        >
          {props.busy ? props.busyLabel : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
