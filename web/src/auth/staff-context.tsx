/**
 * Whether the signed-in user is staff, asked of the server once per user: `GET
 * /api/admin/me/` answers 200 for anyone signed in, with `is_staff` (so no 403 lands in
 * the console for the many who are not). The header shows "Admin" only to staff, and the
 * admin pages wait for the answer. A server without it (the DRF reference) answers 404:
 * not staff.
 */
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { getAdminMe } from '../api/admin.ts';
import type { AdminMe } from '../api/admin.ts';
import type { ApiError } from '../api/errors.ts';
import { queryKeys } from '../api/query.tsx';
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
  const query = useQuery({
    queryKey: queryKeys.staff(username ?? ''),
    queryFn: ({ signal }) => getAdminMe(api, { signal }),
    enabled: username !== null,
    staleTime: Infinity,
    retry: false,
  });
  let status: StaffStatus = { state: 'unknown' };
  if (query.data) status = query.data.is_staff ? { state: 'staff', me: query.data } : { state: 'not-staff' };
  else if (query.isError) status = query.error.status === 404 || query.error.status === 403 ? { state: 'not-staff' } : { state: 'error', error: query.error };
  return <StaffContext.Provider value={{ status, retry: () => void query.refetch() }}>{children}</StaffContext.Provider>;
}

export function useStaff(): StaffContextValue {
  return useContext(StaffContext);
}
