/**
 * A modal on the native `<dialog>`: `showModal()` gives us the focus trap, Escape to
 * cancel, an inert page behind it and focus returned to the opener on close, all from the
 * browser. Where `showModal` is missing (old browsers, jsdom) it falls back to the `open`
 * attribute and handles Escape itself.
 */
import { useEffect, useId, useRef } from 'react';
import type { KeyboardEvent, ReactElement, ReactNode, SyntheticEvent } from 'react';

export interface DialogProps {
  title: string;
  /** Called on Escape or a close button; the parent then unmounts the dialog. */
  onClose(): void;
  children: ReactNode;
  /** While true, Escape does nothing (a request is in flight). */
  busy?: boolean;
  /** `alertdialog` for confirmations that need an answer. */
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
  className?: string;
}

export function Dialog(props: DialogProps): ReactElement {
  const { title, onClose, children, busy, role, describedBy, className } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    opener.current = document.activeElement;
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute('open', '');
    }
    // Focus the element marked data-autofocus, else the first field, else the first button
    // that is not the header's Close (showModal() alone would pick Close).
    const target =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>('input, textarea, select') ??
      dialog.querySelector<HTMLElement>('.dialog__actions button');
    target?.focus();
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      // The browser returns focus on close() but not when React removes the element; do it
      // ourselves, unless the opener is gone too (the parent then chooses where focus goes).
      const previous = opener.current;
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, []);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>): void {
    // Escape: let React own the open state instead of the browser closing it under us.
    event.preventDefault();
    if (!busy) onClose();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key === 'Escape' && typeof ref.current?.showModal !== 'function') {
      event.preventDefault();
      if (!busy) onClose();
    }
  }

  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={handleCancel}
      onKeyDown={handleKeyDown}
    >
      <div className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        <button
          type="button"
          className="button button--icon"
          onClick={onClose}
          disabled={busy}
          aria-label="Close"
        >
          <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
            <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      {children}
    </dialog>
  );
}
