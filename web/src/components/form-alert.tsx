/**
 * The messages that belong to no single field (`detail`, `non_field_errors`), shown above
 * a form. `role="alert"` announces them as they appear; `tabIndex={-1}` lets the form move
 * focus here when there is no invalid field to focus instead.
 */
import type { ReactElement, Ref } from 'react';

export interface FormAlertProps {
  messages: readonly string[];
  title?: string;
  alertRef?: Ref<HTMLDivElement>;
}

export function FormAlert({ messages, title, alertRef }: FormAlertProps): ReactElement {
  // The container stays in the DOM so screen readers register the live region before
  // the first message arrives (an alert inserted already filled may go unannounced).
  return (
    <div ref={alertRef} role="alert" tabIndex={-1} className={messages.length > 0 ? 'alert alert--error' : 'alert-empty'}>
      {messages.length > 0 ? (
        <>
          {title ? <p className="alert__title">{title}</p> : null}
          {messages.length === 1 ? (
            <p>{messages[0]}</p>
          ) : (
            <ul>
              {messages.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </div>
  );
}
