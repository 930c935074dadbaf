/**
 * Whether the signed-in user is staff, asked of the server once per session: `GET
 * /api/admin/` answers 200 (with who they are) for active staff and 403 for everyone
 * else. The header shows "Admin" only to staff, and the admin pages wait for the answer.
 * (The browser logs that expected 403 in its console, as it logs every 4xx answer.)
 */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { getAdminRoot } from '../api/admin.ts';
import type { AdminMe } from '../api/admin.ts';
import { ApiError } from '../api/errors.ts';
import { useApi, useAuth } from './auth-context.tsx';

export type StaffStatus =
  | { state: 'unknown' }
  | { state: 'staff'; me: AdminMe }
  | { state: 'not-staff' }
  | { state: 'error'; error: ApiError };

interface StaffContextValue {
  status: StaffStatus;
  retry(): void;
}

const StaffContext = createContext<StaffContextValue>({ status: { state: 'unknown' }, retry: () => {} });

export function StaffProvider({ children }: { children: ReactNode }): ReactElement {
  const api = useApi();
  const { session } = useAuth();
  // Keyed by who is signed in, not by the key: signing in again in place (a new key for
  // the same user) must not unmount the admin page and the form open on it.
  const username = session?.username ?? null;
  const [status, setStatus] = useState<StaffStatus>({ state: 'unknown' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setStatus({ state: 'unknown' });
    if (username === null) return undefined;
    const controller = new AbortController();
    getAdminRoot(api, { signal: controller.signal })
      .then((root) => setStatus({ state: 'staff', me: root.me }))
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        // 403: not staff. 404: a server without the admin API (the DRF reference).
        if (caught instanceof ApiError && (caught.status === 403 || caught.status === 404)) setStatus({ state: 'not-staff' });
        else if (caught instanceof ApiError && caught.isUnauthorized) return; // signing out
        else setStatus({ state: 'error', error: caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) }) });
      });
    return () => controller.abort();
  }, [api, username, attempt]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return <StaffContext.Provider value={{ status, retry }}>{children}</StaffContext.Provider>;
}

export function useStaff(): StaffContextValue {
  return useContext(StaffContext);
}
