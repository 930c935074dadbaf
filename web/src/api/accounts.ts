/**
 * The accounts at `/auth/` (djoser's contract): sign-up, activation, password reset by
 * e-mail, the profile (`users/me/`) and password change. Every refusal is an ApiError
 * with the server's messages per field.
 */
import type { ApiClient } from './client.ts';

export interface Account {
  email: string;
  id: number;
  username: string;
}

export interface SignUp {
  username: string;
  email: string;
  password: string;
}

/** `POST /auth/users/`: 201; the account waits for its activation link. */
export function signUp(api: ApiClient, fields: SignUp): Promise<Account> {
  return api.request<Account>('POST', '/auth/users/', { body: fields, auth: 'none' });
}

/** `POST /auth/users/activation/` with the link's uid and token: 204, or 403 once used. */
export async function activate(api: ApiClient, uid: string, token: string): Promise<void> {
  await api.request<unknown>('POST', '/auth/users/activation/', { body: { uid, token }, auth: 'none' });
}

export async function resendActivation(api: ApiClient, email: string): Promise<void> {
  await api.request<unknown>('POST', '/auth/users/resend_activation/', { body: { email }, auth: 'none' });
}

/** `POST /auth/users/reset_password/`: 204 whether or not the address has an account. */
export async function requestPasswordReset(api: ApiClient, email: string): Promise<void> {
  await api.request<unknown>('POST', '/auth/users/reset_password/', { body: { email }, auth: 'none' });
}

export async function confirmPasswordReset(api: ApiClient, uid: string, token: string, newPassword: string): Promise<void> {
  await api.request<unknown>('POST', '/auth/users/reset_password_confirm/', { body: { uid, token, new_password: newPassword }, auth: 'none' });
}

export function currentAccount(api: ApiClient): Promise<Account> {
  return api.request<Account>('GET', '/auth/users/me/');
}

export async function setPassword(api: ApiClient, currentPassword: string, newPassword: string): Promise<void> {
  await api.request<unknown>('POST', '/auth/users/set_password/', { body: { current_password: currentPassword, new_password: newPassword } });
}
