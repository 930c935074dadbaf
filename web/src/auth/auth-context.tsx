/**
 * Who is signed in, for the whole app.
 *
 * The session (token + username) lives in the TokenStore; this provider mirrors it in
 * React state and keeps the two in step:
 *   - signIn() asks the server for a token and stores it (localStorage or sessionStorage);
 *   - signOut() tells the server (`POST /api/logout/` deletes the token) and forgets it;
 *   - a 401 from any call (the API client has already cleared the store) and a sign-out in
 *     another tab end the session here too.
 * Nothing here navigates: the router sees "signed-in page, no session" and sends the user
 * to the login page, where `notice` says why. One rule, one place, no racing redirects.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { logout, obtainToken } from '../api/auth.ts';
import type { Credentials } from '../api/auth.ts';
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import type { Session } from '../api/token-store.ts';

export interface AuthNotice {
  /** `signed-out`: the user asked for it; `session-ended`: the server refused the token. */
  reason: 'signed-out' | 'session-ended';
  message: string;
}

export const SIGNED_OUT_MESSAGE = 'You have been logged out.';
export const SIGNED_OUT_UNCONFIRMED_MESSAGE =
  'You are logged out on this device, but the server could not be reached to revoke the session.';
export const SESSION_ENDED_MESSAGE = 'Your session has ended. Please sign in again.';

export interface SignInOptions {
  remember: boolean;
}

export interface AuthContextValue {
  api: ApiClient;
  session: Session | null;
  /** Why the last session ended, for the login page; cleared by the next sign-in. */
  notice: AuthNotice | null;
  /** Resolves once signed in; rejects with the server's ApiError. */
  signIn(credentials: Credentials, options: SignInOptions): Promise<void>;
  /** Always ends the local session, even when the server cannot be told. */
  signOut(): Promise<void>;
}

interface AuthState {
  session: Session | null;
  notice: AuthNotice | null;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export interface AuthProviderProps {
  api: ApiClient;
  children: ReactNode;
}

export function AuthProvider({ api, children }: AuthProviderProps): ReactElement {
  const [state, setState] = useState<AuthState>(() => ({ session: api.tokenStore.read(), notice: null }));

  useEffect(() => {
    const stopUnauthorized = api.onUnauthorized(() => {
      setState((current) =>
        current.session === null
          ? current
          : { session: null, notice: { reason: 'session-ended', message: SESSION_ENDED_MESSAGE } },
      );
    });
    const stopStorage = api.tokenStore.subscribe(() => {
      const session = api.tokenStore.read();
      setState((current) =>
        session === null && current.session !== null
          ? { session: null, notice: { reason: 'signed-out', message: SIGNED_OUT_MESSAGE } }
          : { session, notice: current.notice },
      );
    });
    return () => {
      stopUnauthorized();
      stopStorage();
    };
  }, [api]);

  const signIn = useCallback(
    async (credentials: Credentials, options: SignInOptions): Promise<void> => {
      const token = await obtainToken(api, credentials);
      const session: Session = { token, username: credentials.username.trim() };
      api.tokenStore.save(session, { remember: options.remember });
      setState({ session, notice: null });
    },
    [api],
  );

  const signOut = useCallback(async (): Promise<void> => {
    let message = SIGNED_OUT_MESSAGE;
    try {
      await logout(api);
    } catch (error) {
      // 401: the token was already gone on the server, which is what we wanted.
      if (!(error instanceof ApiError && error.isUnauthorized)) message = SIGNED_OUT_UNCONFIRMED_MESSAGE;
    }
    api.tokenStore.clear();
    setState({ session: null, notice: { reason: 'signed-out', message } });
  }, [api]);

  const value = useMemo<AuthContextValue>(
    () => ({ api, session: state.session, notice: state.notice, signIn, signOut }),
    [api, state, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth() must be used inside <AuthProvider>.');
  return value;
}

/** The API client, for pages that call the API. */
export function useApi(): ApiClient {
  return useAuth().api;
}
