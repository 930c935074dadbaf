/**
 * The account pages, on the server's `/auth/` (djoser): sign up and "check your inbox",
 * the activation link's page, forgot password and the reset link's page, and the profile
 * with its password change. Each form shows the server's messages beside its fields and
 * the rest above the form, as the login page does.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { activate, confirmPasswordReset, currentAccount, requestPasswordReset, resendActivation, setPassword, signUp } from '../api/accounts.ts';
import type { Account } from '../api/accounts.ts';
import { ApiError } from '../api/errors.ts';
import { asApiError } from '../api/query.tsx';
import { useApi } from '../auth/auth-context.tsx';
import { AuthCard } from '../components/auth-card.tsx';
import { TextField } from '../components/field.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { Notice } from '../components/notice.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { useSubmission } from '../lib/use-submission.ts';
import { Link } from '../router/index.ts';

interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'password';
  autoComplete?: string;
  hint?: string;
  optional?: boolean;
}

interface AccountFormProps {
  label: string;
  fields: readonly FieldSpec[];
  submitLabel: string;
  pendingLabel: string;
  onSubmit(values: Record<string, string>): Promise<void>;
}

/** A form whose fields get the server's messages; resolves `onSubmit` or shows why not. */
function AccountForm({ label, fields, submitLabel, pendingLabel, onSubmit }: AccountFormProps): ReactElement {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((field) => [field.name, ''])));
  const alertRef = useRef<HTMLDivElement>(null);
  const { pending, error, handleSubmit } = useSubmission(() => onSubmit(values), { onRefused: () => alertRef.current?.focus() });

  const names = fields.map((field) => field.name);
  const formMessages = error ? [...error.formMessages, ...error.messagesOutside(names)] : [];
  return (
    <>
      <FormAlert alertRef={alertRef} messages={formMessages} />
      <form className="form" noValidate onSubmit={handleSubmit} aria-label={label}>
        {fields.map((field) => (
          <TextField
            key={field.name}
            label={field.label}
            name={field.name}
            type={field.type ?? 'text'}
            value={values[field.name] ?? ''}
            onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
            errors={error?.messagesFor(field.name)}
            autoComplete={field.autoComplete}
            hint={field.hint}
            optional={field.optional}
          />
        ))}
        <button type="submit" className="button button--primary button--block" disabled={pending} aria-busy={pending || undefined}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </form>
    </>
  );
}


const PASSWORD_HINT = 'At least 8 characters, not too common, not all digits, and not like your username or e-mail address.';

export function SignUpPage(): ReactElement {
  const api = useApi();
  const [sentTo, setSentTo] = useState<string | null>(null);
  if (sentTo !== null) return <CheckInboxPage email={sentTo} />;
  return (
    <AuthCard title="Create an account" lead="We will e-mail you a link to activate it.">
      <AccountForm
        label="Create an account"
        submitLabel="Create account"
        pendingLabel="Creating…"
        fields={[
          { name: 'username', label: 'Username', autoComplete: 'username' },
          { name: 'email', label: 'E-mail address', autoComplete: 'email' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'new-password', hint: PASSWORD_HINT },
        ]}
        onSubmit={async (values) => {
          const account = await signUp(api, { username: values.username ?? '', email: values.email ?? '', password: values.password ?? '' });
          setSentTo(account.email);
        }}
      />
      <p className="auth-card__footer">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthCard>
  );
}

/** "Check your inbox", with a resend for a lost or late e-mail. */
function CheckInboxPage({ email }: { email: string }): ReactElement {
  const api = useApi();
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string[]>([]);
  async function resend(): Promise<void> {
    setError([]);
    try {
      await resendActivation(api, email);
      setStatus(`We sent the link to ${email} again.`);
    } catch (caught) {
      const apiError = asApiError(caught);
      setError(apiError.formMessages.length > 0 ? apiError.formMessages : [...apiError.messagesFor('email'), 'That account is already active, or there is none.']);
    }
  }
  return (
    <AuthCard title="Check your inbox">
      <p>We sent an e-mail to <strong>{email}</strong>. Open the link in it to activate your account, then sign in.</p>
      <Notice tone="info">{status}</Notice>
      <FormAlert messages={error} />
      <p className="auth-card__footer">
        No e-mail? <button type="button" className="button button--ghost button--small" onClick={() => void resend()}>Send it again</button>
      </p>
      <p className="auth-card__footer"><Link to="/login">Go to sign in</Link></p>
    </AuthCard>
  );
}

// One activation per link, however often the page mounts (React's StrictMode runs an
// effect twice): a second POST would find the account active and answer 403.
const activations = new Map<string, Promise<void>>();

function activateOnce(api: ReturnType<typeof useApi>, uid: string, token: string): Promise<void> {
  const key = `${uid}/${token}`;
  let pending = activations.get(key);
  if (pending === undefined) {
    pending = activate(api, uid, token);
    activations.set(key, pending);
  }
  return pending;
}

/** The activation link's page: activates at once and says how it went. */
export function ActivatePage({ uid, token }: { uid: string; token: string }): ReactElement {
  const api = useApi();
  const [state, setState] = useState<{ status: 'working' } | { status: 'done' } | { status: 'failed'; messages: string[] }>({ status: 'working' });
  useEffect(() => {
    let live = true;
    activateOnce(api, uid, token).then(
      () => live && setState({ status: 'done' }),
      (caught: unknown) => {
        const error = asApiError(caught);
        const messages = [...error.formMessages, ...error.messagesFor('uid'), ...error.messagesFor('token')];
        if (live) setState({ status: 'failed', messages: error.status === 403 ? ['This link was already used: your account is active.'] : messages });
      },
    );
    return () => {
      live = false;
    };
  }, [api, uid, token]);
  return (
    <AuthCard title="Activate your account">
      {state.status === 'working' ? <p role="status">Activating…</p> : null}
      {state.status === 'done' ? <Notice tone="info">Your account is active. You can sign in now.</Notice> : null}
      {state.status === 'failed' ? <FormAlert messages={state.messages} /> : null}
      <p className="auth-card__footer"><Link to="/login">Go to sign in</Link></p>
    </AuthCard>
  );
}

export function ForgotPasswordPage(): ReactElement {
  const api = useApi();
  const [sentTo, setSentTo] = useState<string | null>(null);
  return (
    <AuthCard title="Forgot your password?" lead="Give the e-mail address of your account and we will send you a link to choose a new password.">
      {sentTo !== null ? (
        <Notice tone="info">{`If ${sentTo} belongs to an account, an e-mail with a link is on its way. Check your inbox.`}</Notice>
      ) : (
        <AccountForm
          label="Forgot password"
          submitLabel="Send the link"
          pendingLabel="Sending…"
          fields={[{ name: 'email', label: 'E-mail address', autoComplete: 'email' }]}
          onSubmit={async (values) => {
            await requestPasswordReset(api, values.email ?? '');
            setSentTo(values.email ?? '');
          }}
        />
      )}
      <p className="auth-card__footer"><Link to="/login">Back to sign in</Link></p>
    </AuthCard>
  );
}

/** The reset link's page: a new password for the account the link names. */
export function ResetPasswordPage({ uid, token }: { uid: string; token: string }): ReactElement {
  const api = useApi();
  const [done, setDone] = useState(false);
  return (
    <AuthCard title="Choose a new password">
      {done ? (
        <Notice tone="info">Your password is changed. Sign in with the new one.</Notice>
      ) : (
        <AccountForm
          label="Choose a new password"
          submitLabel="Set the password"
          pendingLabel="Saving…"
          fields={[{ name: 'new_password', label: 'New password', type: 'password', autoComplete: 'new-password', hint: PASSWORD_HINT }]}
          onSubmit={async (values) => {
            try {
              await confirmPasswordReset(api, uid, token, values.new_password ?? '');
            } catch (caught) {
              const error = asApiError(caught);
              // The link's own problems belong to no field the person can fix.
              const linkMessages = [...error.messagesFor('uid'), ...error.messagesFor('token')];
              if (linkMessages.length > 0) throw new ApiError({ status: error.status, detail: `${linkMessages.join(' ')} Ask for a new link.` });
              throw error;
            }
            setDone(true);
          }}
        />
      )}
      <p className="auth-card__footer"><Link to="/login">Go to sign in</Link> · <Link to="/forgot-password">Ask for a new link</Link></p>
    </AuthCard>
  );
}

/** The profile (`users/me/`) and the password change. */
export function AccountPage(): ReactElement {
  const api = useApi();
  const [account, setAccount] = useState<Account | null>(null);
  const [loadError, setLoadError] = useState<string[]>([]);
  const [changed, setChanged] = useState(false);
  const [formKey, setFormKey] = useState(0);
  useEffect(() => {
    let live = true;
    currentAccount(api).then(
      (loaded) => live && setAccount(loaded),
      (caught: unknown) => live && setLoadError(asApiError(caught).formMessages),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return (
    <section className="page">
      <PageHeading>Your account</PageHeading>
      <FormAlert messages={loadError} />
      {account ? (
        <dl className="account-summary">
          <dt>Username</dt>
          <dd>{account.username}</dd>
          <dt>E-mail address</dt>
          <dd>{account.email || '—'}</dd>
        </dl>
      ) : null}
      <h2>Change your password</h2>
      <Notice tone="info">{changed ? 'Your password is changed.' : null}</Notice>
      <AccountForm
        key={formKey}
        label="Change your password"
        submitLabel="Change password"
        pendingLabel="Saving…"
        fields={[
          { name: 'current_password', label: 'Current password', type: 'password', autoComplete: 'current-password' },
          { name: 'new_password', label: 'New password', type: 'password', autoComplete: 'new-password', hint: PASSWORD_HINT },
        ]}
        onSubmit={async (values) => {
          setChanged(false);
          await setPassword(api, values.current_password ?? '', values.new_password ?? '');
          setChanged(true);
          setFormKey((key) => key + 1);
        }}
      />
    </section>
  );
}
