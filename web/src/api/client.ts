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

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the API, without a trailing slash; '' = same origin. */
  baseUrl: string;
  tokenStore: TokenStore;
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
  ): Promise<T> {
    const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const session = requestOptions.auth === 'none' ? null : tokenStore.read();
    if (session !== null) headers.Authorization = `Token ${session.token}`;
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
      if (session !== null) {
        // Another call may have signed in again while this one was on its way: just resend.
        const current = tokenStore.read();
        const renewed = current !== null && current.token !== session.token ? true : await askOnce(error);
        if (renewed) return request<T>(method, path, requestOptions);
      }
      tokenStore.clear();
      for (const listener of [...listeners]) listener(error);
    }
    throw error;
  }

  return {
    baseUrl,
    tokenStore,
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
