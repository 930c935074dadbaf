/**
 * Admin → Users, at the foot: "Locked out?" A user who typed a wrong password too often
 * (or whose name someone tried to guess) must wait before trying again; staff can see how
 * long, in plain words, and clear it. The clearing is in the audit log.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { clearThrottle, getThrottle } from '../../api/admin.ts';
import type { ThrottleStatus } from '../../api/admin.ts';
import { errorMessages, queryKeys } from '../../api/query.tsx';
import { useApi } from '../../auth/auth-context.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { Notice } from '../../components/notice.tsx';
import { inPlainWords } from '../../lib/format.ts';

export function ThrottleTool(): ReactElement {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [username, setUsername] = useState('');
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState<ThrottleStatus | null>(null);
  const check = useMutation({
    mutationFn: (name: string) => getThrottle(api, name),
    onSuccess: (result) => {
      setStatus(result);
      setMessage(result.wait > 0 ? `${result.username} may sign in again ${inPlainWords(result.wait)}.` : `${result.username} is not locked out.`);
    },
  });
  const clear = useMutation({
    mutationFn: (name: string) => clearThrottle(api, name),
    onSuccess: async (result) => {
      setStatus(result);
      setMessage(`${result.username} may sign in again now.`);
      await queryClient.invalidateQueries({ queryKey: queryKeys.adminAll });
    },
  });
  const error = check.error ?? clear.error;

  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    setMessage('');
    check.reset();
    clear.reset();
    check.mutate(username.trim());
  }

  return (
    <section className="admin-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">Locked out of signing in?</h2>
      <p className="muted">After too many wrong passwords a username must wait before trying again. Look one up to see how long, and clear it if the user is who they say.</p>
      <form className="toolbar" onSubmit={submit} aria-label="Login throttle">
        <div className="toolbar__search">
          <label htmlFor={`${id}-username`} className="field__label">Username</label>
          <div className="toolbar__row">
            <input id={`${id}-username`} className="field__control" value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" autoCapitalize="none" spellCheck={false} />
            <button type="submit" className="button" disabled={check.isPending}>Check</button>
            {status && status.wait > 0 ? (
              <button type="button" className="button button--danger-outline" disabled={clear.isPending} onClick={() => clear.mutate(status.username)}>
                {clear.isPending ? 'Clearing…' : 'Clear'}<span className="visually-hidden"> the throttle of {status.username}</span>
              </button>
            ) : null}
          </div>
        </div>
      </form>
      <FormAlert messages={errorMessages(error)} />
      <Notice tone={status && status.wait > 0 ? 'warning' : 'success'}>{message}</Notice>
    </section>
  );
}
