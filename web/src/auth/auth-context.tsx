/**
 * Who is signed in, for the whole app.
 *
 * The session (token + username) lives in the TokenStore; this provider mirrors it in
 * React state and keeps the two in step:
 *   - signIn() asks the server for a token and stores it (localStorage or sessionStorage);
 *   - signOut() tells the server (`POST /api/logout/` deletes the token) and forgets it;
 *   - a 401 from any call first asks for the password again in place (ReauthDialog, over
 *     whatever page is open, so a filled-in form is kept) and the API client then sends
 *     the refused call again; only if the user chooses to sign out instead (the client
 *     has then cleared the store), or another tab signs out, does the session end here.
 * Nothing here navigates: the router sees "signed-in page, no session" and sends the user
 * to the login page, where `notice` says why. One rule, one place, no racing redirects.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { logout, logoutAll, obtainToken } from '../api/auth.ts';
import type { Credentials } from '../api/auth.ts';
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import type { Session } from '../api/token-store.ts';
import { ReauthDialog } from './reauth-dialog.tsx';

export interface AuthNotice {
  /** `signed-out`: the user asked for it; `session-ended`: the server refused the token. */
  reason: 'signed-out' | 'session-ended';
  message: string;
  /** Who was signed in, to fill in the login form. */
  username?: string;
}

export const SIGNED_OUT_MESSAGE = 'You have been logged out.';
export const SIGNED_OUT_UNCONFIRMED_MESSAGE =
  'You are logged out on this device, but the server could not be reached to revoke the session.';
export const SIGNED_OUT_EVERYWHERE_MESSAGE = 'You have been logged out on every device.';
export const SESSION_ENDED_MESSAGE = 'Your session has ended. Please sign in again.';

/** Why the server refused the token, in plain words, from DRF's `detail`. */
export function sessionEndedReason(error: ApiError): string {
  switch (error.detail) {
    case 'Invalid token.':
      return 'Your session was ended elsewhere: you signed out on another device, or your token was revoked or replaced.';
    case 'Token has expired.':
      return 'Your session has expired.';
    case 'User inactive or deleted.':
      return 'Your account has been deactivated. Ask an administrator to reactivate it.';
    default:
      return error.detail ? `Your session has ended: ${error.detail}` : SESSION_ENDED_MESSAGE;
  }
}

/** The question on screen while the server refuses the token (auth/reauth-dialog.tsx). */
export interface ReauthRequest {
  /** Why, in plain words. */
  reason: string;
  username: string;
  /** Signs in again with the password; rejects with the server's ApiError. */
  submit(password: string): Promise<void>;
  /** Gives up: the session ends and the login page shows why. */
  signOut(): void;
}
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
  /** Deletes every token of the user (every device), then ends the local session. */
  signOutEverywhere(): Promise<void>;
  /**
   * Carries on with a new key for the signed-in user (a superuser who reset their own token
   * in the admin): the old one stopped working the moment the server made this one.
   */
  adoptToken(token: string): void;
  /** Set while the server refuses the token and the user is asked to sign in again. */
  reauth: ReauthRequest | null;
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
  const [reauth, setReauth] = useState<ReauthRequest | null>(null);

  useEffect(() => {
    let settle: ((renewed: boolean) => void) | null = null;
    function finish(renewed: boolean): void {
      settle?.(renewed);
      settle = null;
      setReauth(null);
    }
    api.setReauthenticate(
      (error) =>
        new Promise<boolean>((resolve) => {
          const stored = api.tokenStore.read();
          // Nobody to ask for (a key stored without its username): straight to the login page.
          if (stored === null || stored.username === '') {
            resolve(false);
            return;
          }
          const reason = sessionEndedReason(error);
          settle = resolve;
          setReauth({
            reason,
            username: stored.username,
            async submit(password: string): Promise<void> {
              const token = await obtainToken(api, { username: stored.username, password });
              api.tokenStore.replaceToken(token);
              setState((current) => ({ session: current.session && { ...current.session, token }, notice: null }));
              finish(true);
            },
            signOut(): void {
              setState({ session: null, notice: { reason: 'session-ended', message: reason, username: stored.username } });
              finish(false);
            },
          });
        }),
    );
    const stopUnauthorized = api.onUnauthorized((error) => {
      setState((current) =>
        current.session === null
          ? current
          : { session: null, notice: { reason: 'session-ended', message: sessionEndedReason(error), username: current.session.username } },
      );
    });
    const stopStorage = api.tokenStore.subscribe(() => {
      const session = api.tokenStore.read();
      // Signed in again in another tab ("remember me" shares the token): carry on here too.
      if (session !== null && settle !== null) finish(true);
      setState((current) =>
        session === null && current.session !== null
          ? { session: null, notice: { reason: 'signed-out', message: SIGNED_OUT_MESSAGE } }
          : { session, notice: current.notice },
      );
      if (session === null) finish(false);
    });
    return () => {
      // Unmounted with a question open: leave the refused calls waiting (nobody is left to
      // care), rather than answering "sign out" and clearing a store others may share.
      api.setReauthenticate(null);
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

  const signOutEverywhere = useCallback(async (): Promise<void> => {
    await logoutAll(api);
    api.tokenStore.clear();
    setState({ session: null, notice: { reason: 'signed-out', message: SIGNED_OUT_EVERYWHERE_MESSAGE } });
  }, [api]);

  const adoptToken = useCallback(
    (token: string): void => {
      // A JWT session does not use the account's Token: a new key changes nothing here.
      if (api.mode === 'jwt') return;
      api.tokenStore.replaceToken(token);
      setState((current) => ({ ...current, session: current.session && { ...current.session, token } }));
    },
    [api],
  );

  const value = useMemo<AuthContextValue>(
    () => ({ api, session: state.session, notice: state.notice, signIn, signOut, signOutEverywhere, adoptToken, reauth }),
    [api, state, signIn, signOut, signOutEverywhere, adoptToken, reauth],
  );
  return (
    <AuthContext.Provider value={value}>
      {children}
      {reauth && state.session ? <ReauthDialog request={reauth} /> : null}
    </AuthContext.Provider>
  );
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
