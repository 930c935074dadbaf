/**
 * The admin's user forms: create, edit (with a separate set-password form), and the
 * dialog that shows a new token key once. The server validates; each of its messages is
 * shown beside its field, as on the products form.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { createUser, setUserPassword, updateUser, USER_FIELDS } from '../../api/admin.ts';
import type { AdminMe, AdminUser, AdminUserInput, CreatedToken } from '../../api/admin.ts';
import type { ApiError } from '../../api/errors.ts';
import { queryKeys } from '../../api/query.tsx';
import { useApi } from '../../auth/auth-context.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { TextField } from '../../components/field.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { Notice } from '../../components/notice.tsx';

const PASSWORD_MISMATCH = 'The two passwords do not match.';

/** A write in the admin: on success every admin list (and the audit log) is fetched again. */
function useAdminMutation<T>(run: () => Promise<T>, handlers: { onSuccess(result: T): void; onError?(): void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.adminAll });
      handlers.onSuccess(result);
    },
    onError: () => handlers.onError?.(),
  });
}

function summary(error: ApiError | null, shown: readonly string[]): string[] {
  if (error === null) return [];
  const messages = [...error.formMessages, ...error.messagesOutside(shown)];
  return messages.length === 0 && error.hasFieldErrors ? ['Please correct the fields marked below.'] : messages;
}

interface CheckboxProps {
  label: string;
  hint: string;
  checked: boolean;
  disabled?: boolean;
  errors?: readonly string[];
  onChange(checked: boolean): void;
}

function Checkbox({ label, hint, checked, disabled, errors, onChange }: CheckboxProps): ReactElement {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(event) => onChange(event.target.checked)} aria-describedby={`${id}-hint`} />
      <div>
        <label htmlFor={id}>{label}</label>
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
        {errors && errors.length > 0 ? <p className="field__errors">{errors.join(' ')}</p> : null}
      </div>
    </div>
  );
}

export interface UserFormDialogProps {
  me: AdminMe;
  /** The user to edit; absent to create one. */
  user?: AdminUser;
  onClose(): void;
  onSaved(user: AdminUser, message: string): void;
}

export function UserFormDialog({ me, user, onClose, onSaved }: UserFormDialogProps): ReactElement {
  const api = useApi();
  const editing = user !== undefined;
  const [values, setValues] = useState<AdminUserInput>(() => ({
    username: user?.username ?? '',
    email: user?.email ?? '',
    first_name: user?.first_name ?? '',
    last_name: user?.last_name ?? '',
    is_active: user?.is_active ?? true,
    is_staff: user?.is_staff ?? false,
    is_superuser: user?.is_superuser ?? false,
  }));
  const [password, setPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);
  const set = <K extends keyof AdminUserInput>(field: K) => (value: AdminUserInput[K]) => setValues((current) => ({ ...current, [field]: value }));
  const isSelf = user?.id === me.id;

  const mutation = useAdminMutation(async (): Promise<[AdminUser, string]> => {
    if (editing) {
      // Only what changed: a staff member never sends is_superuser unless they changed it.
      const changes = Object.fromEntries(Object.entries(values).filter(([field, value]) => user[field as keyof AdminUserInput] !== value));
      const saved = await updateUser(api, user.id, changes);
      return [saved, `Saved changes to ${saved.username}.`];
    }
    const saved = await createUser(api, { ...values, password });
    return [saved, `Created user ${saved.username}.`];
  }, {
    onSuccess: ([saved, message]) => onSaved(saved, message),
    onError: () => alertRef.current?.focus(),
  });
  const pending = mutation.isPending;
  const error = mutation.error;

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (pending) return;
    // The one check made here: the server sees one password and cannot tell a typo.
    const differs = !editing && password !== confirmPassword;
    setMismatch(differs);
    if (!differs) mutation.mutate();
  }

  const title = editing ? `Edit user ${user.username}` : 'New user';
  const messages = summary(error, USER_FIELDS);
  return (
    <Dialog title={title} onClose={onClose} busy={pending}>
      <form className="form" noValidate onSubmit={handleSubmit} aria-label={title}>
        <FormAlert alertRef={alertRef} title={messages.length > 0 ? 'The user was not saved.' : undefined} messages={messages} />
        <TextField label="Username" name="username" value={values.username} onChange={set('username')} errors={error?.messagesFor('username')} autoComplete="off" autoCapitalize="none" spellCheck={false} />
        {editing ? null : (
          <>
            <TextField label="Password" name="password" type="password" value={password} onChange={setPassword} errors={error?.messagesFor('password')} autoComplete="new-password" hint="At least 8 characters, not only digits." />
            <TextField label="Password (again)" name="password-again" type="password" value={confirmPassword} onChange={setConfirmPassword} errors={mismatch ? [PASSWORD_MISMATCH] : undefined} autoComplete="new-password" />
          </>
        )}
        <TextField label="Email" name="email" optional value={values.email} onChange={set('email')} errors={error?.messagesFor('email')} autoComplete="off" />
        <div className="form__row">
          <TextField label="First name" name="first_name" optional value={values.first_name} onChange={set('first_name')} errors={error?.messagesFor('first_name')} autoComplete="off" />
          <TextField label="Last name" name="last_name" optional value={values.last_name} onChange={set('last_name')} errors={error?.messagesFor('last_name')} autoComplete="off" />
        </div>
        <fieldset className="fieldset">
          <legend>Access</legend>
          <Checkbox label="Active" hint="Inactive users cannot sign in, and their token is refused at once." checked={values.is_active} disabled={isSelf} errors={error?.messagesFor('is_active')} onChange={set('is_active')} />
          <Checkbox label="Staff" hint="Staff can use this admin." checked={values.is_staff} disabled={isSelf} errors={error?.messagesFor('is_staff')} onChange={set('is_staff')} />
          <Checkbox
            label="Superuser"
            hint={me.is_superuser ? 'Superusers can manage other superusers.' : 'Only a superuser can change this.'}
            checked={values.is_superuser}
            disabled={!me.is_superuser}
            errors={error?.messagesFor('is_superuser')}
            onChange={set('is_superuser')}
          />
        </fieldset>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={pending} aria-busy={pending || undefined}>
            {pending ? 'Saving…' : editing ? 'Save changes' : 'Create user'}
          </button>
        </div>
      </form>
      {editing ? <SetPasswordForm user={user} /> : null}
    </Dialog>
  );
}

function SetPasswordForm({ user }: { user: AdminUser }): ReactElement {
  const api = useApi();
  const [password, setPassword] = useState('');
  const [confirmPassword, setConfirmPassword] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState('');
  const mutation = useAdminMutation(() => setUserPassword(api, user.id, password), {
    onSuccess: () => {
      setPassword('');
      setConfirmPassword('');
      setDone(`The password of ${user.username} was changed.`);
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (mutation.isPending) return;
    setDone('');
    setMismatch(password !== confirmPassword);
    if (password === confirmPassword) mutation.mutate();
  }

  const error = mutation.error;
  return (
    <form className="form form--secondary" noValidate onSubmit={handleSubmit} aria-label="Set password">
      <h3 className="form__title">Set password</h3>
      <FormAlert messages={summary(error, ['password'])} />
      <Notice tone="success">{done}</Notice>
      <TextField label="New password" name="new-password" type="password" value={password} onChange={setPassword} errors={error?.messagesFor('password')} autoComplete="new-password" />
      <TextField label="New password (again)" name="new-password-again" type="password" value={confirmPassword} onChange={setConfirmPassword} errors={mismatch ? [PASSWORD_MISMATCH] : undefined} autoComplete="new-password" />
      <div className="dialog__actions">
        <button type="submit" className="button" disabled={mutation.isPending} aria-busy={mutation.isPending || undefined}>
          {mutation.isPending ? 'Setting…' : 'Set password'}
        </button>
      </div>
    </form>
  );
}

export interface NewKeyDialogProps {
  token: CreatedToken;
  onClose(): void;
}

/** The new key, shown this once: the server keeps only its digest and a sealed copy. */
export function NewKeyDialog({ token, onClose }: NewKeyDialogProps): ReactElement {
  const [copied, setCopied] = useState('');
  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(token.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying is not allowed here; select the key and copy it.');
    }
  }
  return (
    <Dialog title={`New token for ${token.user.username}`} onClose={onClose} className="dialog--narrow">
      <div className="dialog__body">
        <p>This is the only time the whole key is shown. The previous key, if any, no longer works.</p>
        <p>
          <code className="key" data-testid="new-key">
            {token.key}
          </code>
        </p>
        <Notice tone="success">{copied}</Notice>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy key
        </button>
        <button type="button" className="button button--primary" onClick={onClose} data-autofocus>
          Done
        </button>
      </div>
    </Dialog>
  );
}
