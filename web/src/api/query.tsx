/**
 * The one query layer (TanStack Query): every read is a `useQuery` under a key from
 * `queryKeys`, every write a `useMutation` that invalidates the keys it changes, so no
 * page reloads by hand or copies the loading/error bookkeeping. Errors are always an
 * ApiError (the client makes them); a 401 never reaches a page's error state, because the
 * client asks the user to sign in again and sends the call once more.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { ApiError } from './errors.ts';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
  }
}

export const queryKeys = {
  products: ['products'] as const,
  /** Every admin list: a write in the admin may change any of them (and the audit log). */
  adminAll: ['admin'] as const,
  admin: (resource: string, query?: unknown) => (query === undefined ? (['admin', resource] as const) : (['admin', resource, query] as const)),
  staff: (username: string) => ['staff', username] as const,
  devices: ['devices'] as const,
};

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A failure is shown at once, with Try again: the user decides, not a timer.
        retry: false,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}

export function QueryProvider({ children, client }: { children: ReactNode; client?: QueryClient }): ReactElement {
  const [queryClient] = useState(() => client ?? createQueryClient());
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

/** Any thrown value as an ApiError, for the rare non-client failure. */
export function asApiError(caught: unknown): ApiError {
  return caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) });
}

/** What to show for a failed call: `detail` and `non_field_errors`, else the summary. */
export function errorMessages(error: ApiError | null | undefined): string[] {
  if (!error) return [];
  return error.formMessages.length ? error.formMessages : [error.message];
}
