/**
 * Login and logout, DRF's `obtain_auth_token` and the seed's `LogoutView`.
 */
import type { ApiClient } from './client.ts';

export interface Credentials {
  username: string;
  password: string;
}

interface TokenResponse {
  token: string;
}

/** `POST /api/token-auth/`: 200 `{"token": "<40 hex>"}`, or 400 with field/non-field errors. */
export async function obtainToken(api: ApiClient, credentials: Credentials): Promise<string> {
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
  await api.request<unknown>('POST', '/api/logout/', { on401: 'reject-only' });
}
