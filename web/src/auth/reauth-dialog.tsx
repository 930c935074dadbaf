/**
 * "Sign in again", over whatever page is open, when the server stops accepting the token
 * (revoked from the command line or the admin, expired, the user deactivated). The page
 * underneath stays as it was, a half-filled form included; once signed in, the API client
 * sends the refused call again. The username is the session's (signing in as someone else
 * would replay their action under another name): "Sign out" is the way to change user.
 */
import { useRef, useState } from 'react';
import type { ReactElement } from 'react';
import { Dialog } from '../components/dialog.tsx';
import { TextField } from '../components/field.tsx';
import { FormAlert } from '../components/form-alert.tsx';
import { useSubmission } from '../lib/use-submission.ts';
import type { ReauthRequest } from './auth-context.tsx';

export function ReauthDialog({ request }: { request: ReauthRequest }): ReactElement {
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  // Once signed in, the dialog closes and the refused call is sent again.
  const { pending, error, handleSubmit } = useSubmission(() => request.submit(password), {
    leavesOnSuccess: true,
    onRefused: () => passwordRef.current?.focus(),
  });

  const messages = error ? [...error.formMessages, ...error.messagesOutside(['password'])] : [];
  return (
    <Dialog title="Sign in again" onClose={request.signOut} busy={pending} className="dialog--narrow">
      <form className="form" noValidate onSubmit={handleSubmit} aria-label="Sign in again">
        <p className="reauth__reason" role="alert">{request.reason}</p>
        <p>
          Enter the password of <strong>{request.username}</strong> to carry on where you were; nothing you typed is lost.
        </p>
        <FormAlert messages={messages} />
        {/* For password managers: which account this password is for. */}
        <input type="text" name="username" autoComplete="username" value={request.username} readOnly hidden />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          errors={error?.messagesFor('password')}
          autoComplete="current-password"
          inputRef={passwordRef}
        />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={request.signOut} disabled={pending}>
            Sign out
          </button>
          <button type="submit" className="button button--primary" disabled={pending} aria-busy={pending || undefined}>
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
