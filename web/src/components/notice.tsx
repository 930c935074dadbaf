import type { ReactElement, ReactNode } from 'react';

export interface NoticeProps {
  tone?: 'info' | 'success' | 'warning';
  children?: ReactNode;
  onDismiss?: () => void;
}

/**
 * A polite status line ("Product created.", "You have been logged out."). The live region
 * is always rendered so that changes to it are announced.
 */
export function Notice({ tone = 'info', children, onDismiss }: NoticeProps): ReactElement {
  const empty = children === null || children === undefined || children === '';
  return (
    <div role="status" aria-live="polite" className={empty ? 'notice-empty' : `notice notice--${tone}`}>
      {empty ? null : (
        <>
          <span className="notice__text">{children}</span>
          {onDismiss ? (
            <button type="button" className="button button--ghost button--small" onClick={onDismiss}>
              Dismiss
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
