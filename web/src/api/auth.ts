/**
 * Login and logout, DRF's `obtain_auth_token` and the seed's `LogoutView`.
 */
import type { ApiClient } from './client.ts';
import type { Device } from './types.ts';

export interface Credentials {
  username: string;
  password: string;
}

interface TokenResponse {
  token: string;
}

/**
 * `POST /api/token-auth/`: 200 `{"token": "<40 hex>"}`, or 400 with field/non-field errors.
 * JWT mode: `POST /api/token/` → `{"refresh", "access"}`; the refresh token is what is
 * stored, the access token stays in the client's memory.
 */
export async function obtainToken(api: ApiClient, credentials: Credentials): Promise<string> {
  if (api.mode === 'jwt') {
    const pair = await api.request<{ refresh: string; access: string }>('POST', '/api/token/', { body: credentials, auth: 'none' });
    api.rememberAccess(pair.refresh, pair.access);
    return pair.refresh;
  }
  const body = await api.request<TokenResponse>('POST', '/api/token-auth/', {
    body: credentials,
    auth: 'none',
  });
  return body.token;
}

/**
 * `POST /api/logout/`: deletes the token on the server. A 401 here means the token is
 * already gone, which is the outcome we wanted, so the caller treats it as success.
 */
export async function logout(api: ApiClient): Promise<void> {
  const session = api.tokenStore.read();
  // JWT mode: the refresh token is blacklisted (an access token cannot be recalled; it
  // lives a few minutes, in this tab's memory only, which signing out forgets).
  if (api.mode === 'jwt' && session !== null) {
    await api.request<unknown>('POST', '/api/token/blacklist/', { body: { refresh: session.token }, auth: 'none' });
    return;
  }
  await api.request<unknown>('POST', '/api/logout/', { on401: 'reject-only' });
}

/** `POST /api/logout-all/`: deletes every token of the user, on every device. */
export async function logoutAll(api: ApiClient): Promise<void> {
  await api.request<unknown>('POST', '/api/logout-all/', { on401: 'reject-only' });
}

/** `GET /api/devices/` (TOKEN_MODE=per-device): the user's signed-in devices, newest first. */
export function listDevices(api: ApiClient, options: { signal?: AbortSignal } = {}): Promise<Device[]> {
  return api.request<Device[]>('GET', '/api/devices/', options);
}

/** `DELETE /api/devices/<id>/`: signs that one device out. */
export async function signOutDevice(api: ApiClient, id: number): Promise<void> {
  await api.request('DELETE', `/api/devices/${id}/`);
}
