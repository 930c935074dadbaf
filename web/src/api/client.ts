/**
 * The one fetch wrapper every page goes through.
 *
 * - Adds `Authorization: Token <key>` (DRF's TokenAuthentication keyword) when a session
 *   is stored, unless the call opts out (`auth: 'none'`, used by login: DRF's
 *   obtain_auth_token still runs the authentication classes, so a stale token sent with a
 *   login request would be refused with 401 `Invalid token.`).
 * - Sends and reads JSON; a 204 (DELETE) resolves to `undefined`.
 * - Turns every failure into an `ApiError` (see errors.ts).
 * - On a 401 to an authenticated call (the token was revoked, expired, or its user
 *   deactivated), asks the `reauthenticate` hook first: the app asks for the password
 *   again in place, and once a new token is stored the call is sent again, so the page
 *   that made it (a filled-in form, say) never notices. Calls refused meanwhile wait for
 *   the same answer. Only when the user gives up (or without a hook) is the stored
 *   session forgotten and the `onUnauthorized` listeners told (the app then shows the
 *   login page), and the call rejects as usual so the caller's own clean-up runs.
 *
 * With `VITE_AUTH=jwt` the client speaks SimpleJWT instead (the server's JWT_AUTH=true):
 * the stored credential is the refresh token, the access token lives only in memory, it is
 * renewed at `/api/token/refresh/` shortly before it expires (and once more on a 401), and
 * each call sends `Authorization: Bearer <access>`.
 *
 * The base URL is `VITE_API_BASE_URL` ('' = same origin). Cookies are never sent
 * (`credentials: 'omit'`): the token is the only credential, which also keeps the
 * cross-origin dev setup free of CORS credential rules.
 */
import { ApiError, errorFromBody, networkError } from './errors.ts';
import type { TokenStore } from './token-store.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** `'token'` (default) sends the stored token; `'none'` sends no credentials. */
  auth?: 'token' | 'none';
  /**
   * What a 401 means to the app. `'sign-out'` (default): forget the session and notify the
   * listeners. `'reject-only'`: just reject (logout, which signs out anyway).
   */
  on401?: 'sign-out' | 'reject-only';
}

/** DRF's Token (the default) or SimpleJWT's pair (`VITE_AUTH=jwt`). */
export type AuthMode = 'token' | 'jwt';

export const AUTH_MODE: AuthMode = import.meta.env.VITE_AUTH === 'jwt' ? 'jwt' : 'token';

/** An access token is renewed when it has less than this left (ms). */
const ACCESS_RENEW_MARGIN_MS = 30_000;

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the API, without a trailing slash; '' = same origin. */
  baseUrl: string;
  tokenStore: TokenStore;
  /** Defaults to AUTH_MODE (VITE_AUTH). */
  mode?: AuthMode;
  /** Defaults to the global fetch; tests pass their own. */
  fetch?: typeof fetch;
}

export type UnauthorizedListener = (error: ApiError) => void;

/**
 * Asked when the server refuses the stored token: resolves `true` once a new token is in
 * the store (the refused call is then sent again), `false` to give up and sign out.
 */
export type Reauthenticate = (error: ApiError) => Promise<boolean>;

export interface ApiClient {
  readonly baseUrl: string;
  readonly tokenStore: TokenStore;
  readonly mode: AuthMode;
  /** JWT mode: the access token that came with a refresh token at sign-in. */
  rememberAccess(refresh: string, access: string): void;
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  /** Subscribes to "the server refused our token"; returns the unsubscribe function. */
  onUnauthorized(listener: UnauthorizedListener): () => void;
  /** Installs (or with `null` removes) the hook that asks the user to sign in again. */
  setReauthenticate(hook: Reauthenticate | null): void;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const tokenStore = options.tokenStore;
  const listeners = new Set<UnauthorizedListener>();
  let reauthenticate: Reauthenticate | null = null;
  let asking: Promise<boolean> | null = null;
  const mode = options.mode ?? AUTH_MODE;
  // JWT mode: the current access token, for the refresh token it came from.
  let access: { refresh: string; token: string; expiresAt: number } | null = null;
  let renewing: Promise<string> | null = null;

  function rememberAccess(refresh: string, token: string): void {
    access = { refresh, token, expiresAt: expiryOf(token) };
  }

  /** A usable access token for this refresh token: the one in memory, or a renewed one. */
  function accessFor(refresh: string, force: boolean): Promise<string> {
    if (!force && access !== null && access.refresh === refresh && access.expiresAt - Date.now() > ACCESS_RENEW_MARGIN_MS) {
      return Promise.resolve(access.token);
    }
    renewing ??= (async () => {
      const renewed = await request<{ access: string; refresh?: string }>('POST', '/api/token/refresh/', { body: { refresh }, auth: 'none' });
      // With rotation the server hands out a new refresh token: keep it in place of the old.
      const current = renewed.refresh ?? refresh;
      if (renewed.refresh !== undefined) tokenStore.replaceToken(renewed.refresh);
      rememberAccess(current, renewed.access);
      return renewed.access;
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  /** One question to the user however many calls were refused at once. */
  function askOnce(error: ApiError): Promise<boolean> {
    if (reauthenticate === null) return Promise.resolve(false);
    if (asking === null) {
      asking = reauthenticate(error).finally(() => {
        asking = null;
      });
    }
    return asking;
  }

  async function request<T>(
    method: HttpMethod,
    path: string,
    requestOptions: RequestOptions = {},
    renewedOn401 = false,
  ): Promise<T> {
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const session = requestOptions.auth === 'none' ? null : tokenStore.read();
    if (session !== null && mode === 'token') headers.Authorization = `Token ${session.token}`;
    if (session !== null && mode === 'jwt') {
      try {
        headers.Authorization = `Bearer ${await accessFor(session.token, renewedOn401)}`;
      } catch (error) {
        // The refresh token itself was refused (expired, blacklisted, user gone).
        if (!(error instanceof ApiError && error.isUnauthorized) || requestOptions.on401 === 'reject-only') throw error;
        return signInAgain<T>(error, session.token, method, path, requestOptions);
      }
    }
    const init: RequestInit = { method, headers, credentials: 'omit' };
    if (requestOptions.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(requestOptions.body);
    }
    if (requestOptions.signal) init.signal = requestOptions.signal;

    let response: Response;
    try {
      response = await doFetch(baseUrl + path, init);
    } catch (cause) {
      // An abort is the caller's decision, not a failure to show.
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw networkError(cause);
    }

    const body = await readBody(response);
    if (response.ok) return body as T;

    const error = errorFromBody(response.status, response.statusText, body);
    if (
      error.isUnauthorized &&
      requestOptions.auth !== 'none' &&
      requestOptions.on401 !== 'reject-only'
    ) {
      // JWT: an access token refused before its time (the clock, a restart): renew it once.
      if (session !== null && mode === 'jwt' && !renewedOn401) return request<T>(method, path, requestOptions, true);
      if (session !== null) return signInAgain<T>(error, session.token, method, path, requestOptions);
      tokenStore.clear();
      for (const listener of [...listeners]) listener(error);
    }
    throw error;
  }

  /** The stored credential was refused: sign in again in place and resend, or sign out. */
  async function signInAgain<T>(error: ApiError, refused: string, method: HttpMethod, path: string, requestOptions: RequestOptions): Promise<T> {
    // Another call may have signed in again while this one was on its way: just resend.
    const current = tokenStore.read();
    const renewed = current !== null && current.token !== refused ? true : await askOnce(error);
    if (renewed) return request<T>(method, path, requestOptions);
    tokenStore.clear();
    access = null;
    for (const listener of [...listeners]) listener(error);
    throw error;
  }

  return {
    baseUrl,
    tokenStore,
    mode,
    rememberAccess,
    request,
    onUnauthorized(listener: UnauthorizedListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setReauthenticate(hook: Reauthenticate | null): void {
      reauthenticate = hook;
    },
  };
}

/** When a JWT expires (ms since the epoch); 0 when it cannot be read (it is then renewed). */
function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** JSON when the server says so, `undefined` for an empty body, the raw text otherwise. */
async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw networkError(cause);
  }
  if (text === '') return undefined;
  const type = response.headers.get('Content-Type') ?? '';
  if (!/[/+]json\b/i.test(type)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (response.ok) {
      throw new ApiError({
        status: response.status,
        detail: 'The server sent a response the app could not read.',
        body: text,
      });
    }
    return text;
  }
}
