/**
 * Sign in: username and password against `POST /api/token-auth/`.
 *
 * The server's messages are shown as they come: field errors ("This field may not be
 * blank.") beside their field, `non_field_errors` ("Unable to log in with provided
 * credentials.") above the form. "Remember me" picks localStorage over sessionStorage
 * (see api/token-store.ts and web/README.md for the trade-off).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { useAuth } from '../auth/auth-context.tsx';
import { AuthCard } from '../components/auth-card.tsx';
import { TextField } from '../components/field.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { Notice } from '../components/notice.tsx';
import { throttleMessage } from '../lib/format.ts';
import { useFocusRequest } from '../lib/use-focus-request.ts';
import { useSubmission } from '../lib/use-submission.ts';
import { Link } from '../router/index.ts';

const FIELDS = ['username', 'password'] as const;

export function LoginPage(): ReactElement {
  const { signIn, notice } = useAuth();
  // After a session ended, the same user most likely signs in again.
  const [username, setUsername] = useState(notice?.username ?? '');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const rememberHintId = useId();

  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const requestFocus = useFocusRequest();

  // The form is the page: start in its first empty field (after the heading's own focus).
  useEffect(() => {
    (usernameRef.current?.value ? passwordRef.current : usernameRef.current)?.focus();
  }, []);

  const { pending, error, handleSubmit } = useSubmission(
    // Sent as typed: the server trims the username and reports blank fields itself.
    // The router sees the new session and moves on to `?next=` (or the products page).
    () => signIn({ username, password }, { remember }),
    {
      leavesOnSuccess: true,
      // The first field the server complained about, else the message above the form.
      onRefused: (refusal) => requestFocus(() => {
        if (refusal.messagesFor('username').length > 0) return usernameRef.current;
        if (refusal.messagesFor('password').length > 0) return passwordRef.current;
        return alertRef.current;
      }),
    },
  );

  const throttled = error?.status === 429 ? throttleMessage(error.detail) : null;
  const formMessages = error ? (throttled ? [throttled] : [...error.formMessages, ...error.messagesOutside(FIELDS)]) : [];

  return (
    <AuthCard title="Sign in" lead="Use your Tessera account to manage products.">
      <Notice tone={notice?.reason === 'session-ended' ? 'warning' : 'info'}>{error ? null : notice?.message}</Notice>
      <FormAlert alertRef={alertRef} messages={formMessages} />
      <form className="form" noValidate onSubmit={handleSubmit} aria-label="Sign in">
        <TextField
          label="Username"
          name="username"
          value={username}
          onChange={setUsername}
          errors={error?.messagesFor('username')}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          inputRef={usernameRef}
        />
        <div className="password-row">
          <TextField
            label="Password"
            name="password"
            type={showPassword ? 'text' : 'password'}
            value={password}
            onChange={setPassword}
            errors={error?.messagesFor('password')}
            autoComplete="current-password"
            inputRef={passwordRef}
          />
          <button
            type="button"
            className="button button--ghost button--small password-row__toggle"
            aria-pressed={showPassword}
            onClick={() => setShowPassword((shown) => !shown)}
          >
            {showPassword ? 'Hide password' : 'Show password'}
          </button>
        </div>
        <div className="checkbox">
          <input
            id="remember"
            type="checkbox"
            name="remember"
            checked={remember}
            onChange={(event) => setRemember(event.target.checked)}
            aria-describedby={rememberHintId}
          />
          <div>
            <label htmlFor="remember">Remember me</label>
            <p className="field__hint" id={rememberHintId}>
              Stay signed in on this device after closing the browser. Leave unchecked on a shared computer.
            </p>
          </div>
        </div>
        <button type="submit" className="button button--primary button--block" disabled={pending} aria-busy={pending || undefined}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-card__footer">
        <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/signup">Create an account</Link>
      </p>
    </AuthCard>
  );
}
