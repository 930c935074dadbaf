/**
 * A labelled input (or textarea) with its hint and the server's messages beside it.
 *
 * The label is tied to the control (`htmlFor`/`id`); hint and errors are linked through
 * `aria-describedby`, and `aria-invalid` marks the control while it has messages, so a
 * screen reader reads "Price, invalid, A valid number is required." on focus.
 */
import { useId } from 'react';
import type { ChangeEvent, ReactElement, ReactNode, Ref } from 'react';

interface CommonProps {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
  /** The server's messages for this field; none when valid. */
  errors?: readonly string[];
  hint?: string;
  /** Shows "(optional)" after the label; the server decides what is really required. */
  optional?: boolean;
  disabled?: boolean;
}

export interface TextFieldProps extends CommonProps {
  type?: 'text' | 'password';
  autoComplete?: string;
  inputMode?: 'text' | 'decimal';
  inputRef?: Ref<HTMLInputElement>;
  spellCheck?: boolean;
  autoCapitalize?: string;
}

export function TextField(props: TextFieldProps): ReactElement {
  const ids = useFieldIds(props);
  return (
    <FieldFrame props={props} ids={ids}>
      <input
        ref={props.inputRef}
        id={ids.control}
        name={props.name}
        type={props.type ?? 'text'}
        className="field__control"
        value={props.value}
        onChange={(event: ChangeEvent<HTMLInputElement>) => props.onChange(event.target.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        spellCheck={props.spellCheck}
        autoCapitalize={props.autoCapitalize}
        disabled={props.disabled}
        aria-invalid={ids.invalid || undefined}
        aria-describedby={ids.describedBy}
      />
    </FieldFrame>
  );
}

export interface TextAreaFieldProps extends CommonProps {
  rows?: number;
  textAreaRef?: Ref<HTMLTextAreaElement>;
}

export function TextAreaField(props: TextAreaFieldProps): ReactElement {
  const ids = useFieldIds(props);
  return (
    <FieldFrame props={props} ids={ids}>
      <textarea
        ref={props.textAreaRef}
        id={ids.control}
        name={props.name}
        className="field__control field__control--multiline"
        rows={props.rows ?? 3}
        value={props.value}
        onChange={(event: ChangeEvent<HTMLTextAreaElement>) => props.onChange(event.target.value)}
        disabled={props.disabled}
        aria-invalid={ids.invalid || undefined}
        aria-describedby={ids.describedBy}
      />
    </FieldFrame>
  );
}

/** What every field has around its control: the label, the hint and the messages. */
function FieldFrame({ props, ids, children }: { props: CommonProps; ids: FieldIds; children: ReactNode }): ReactElement {
  return (
    <div className={fieldClass(props.errors)}>
      <FieldLabel htmlFor={ids.control} label={props.label} optional={props.optional} />
      {props.hint ? (
        <p className="field__hint" id={ids.hint}>
          {props.hint}
        </p>
      ) : null}
      {children}
      <FieldErrors id={ids.errors} errors={props.errors} />
    </div>
  );
}

interface FieldIds {
  control: string;
  hint: string;
  errors: string;
  invalid: boolean;
  describedBy: string | undefined;
}

function useFieldIds(props: CommonProps): FieldIds {
  const base = useId();
  const control = `${base}-${props.name}`;
  const hint = `${control}-hint`;
  const errors = `${control}-errors`;
  const invalid = (props.errors?.length ?? 0) > 0;
  const describedBy = [props.hint ? hint : null, invalid ? errors : null].filter(Boolean).join(' ');
  return { control, hint, errors, invalid, describedBy: describedBy || undefined };
}

function fieldClass(errors: readonly string[] | undefined): string {
  return errors && errors.length > 0 ? 'field field--invalid' : 'field';
}

interface FieldLabelProps {
  htmlFor: string;
  label: string;
  optional: boolean | undefined;
}

function FieldLabel({ htmlFor, label, optional }: FieldLabelProps): ReactElement {
  return (
    <label className="field__label" htmlFor={htmlFor}>
      {label}
      {optional ? <span className="field__optional"> (optional)</span> : null}
    </label>
  );
}

interface FieldErrorsProps {
  id: string;
  errors: readonly string[] | undefined;
}

function FieldErrors({ id, errors }: FieldErrorsProps): ReactElement | null {
  if (!errors || errors.length === 0) return null;
  return (
    <ul className="field__errors" id={id}>
      {errors.map((message) => (
        <li key={message}>
          <ErrorIcon />
          <span>{message}</span>
        </li>
      ))}
    </ul>
  );
}

function ErrorIcon(): ReactElement {
  return (
    <svg className="icon" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M10 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-.9 4h1.8v5.2H9.1V6Zm.9 8.3a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z"
      />
    </svg>
  );
}
