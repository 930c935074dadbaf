// The OpenAPI description of djoser's views at /auth/ (accounts/routes.ts), tagged
// `accounts`; openapi/document.ts includes it.
import { Type } from 'typebox';
import { idParameter, operation } from '../openapi/document.js';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const Account = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254 }),
  id: Type.Integer({ readOnly: true }),
  username: Type.String({ maxLength: 150, readOnly: true }),
}, { description: "djoser's UserSerializer" });
const Email = Type.Object({ email: Type.String({ format: 'email' }) });
const UidAndToken = {
  uid: Type.String({ description: 'From the link: urlsafe base64 of the user id' }),
  token: Type.String({ description: "From the link: Django's PasswordResetTokenGenerator token" }),
};
const CurrentPassword = { current_password: Type.String({ format: 'password' }) };
const Throttled = { 429: { description: 'Too many e-mails asked for this address or from this client (Retry-After)', ...json({ $ref: '#/components/schemas/Detail' }) } };
const tag = 'accounts';

export const ACCOUNT_TAG = { name: tag, description: "djoser 2.1's accounts: sign-up with e-mail activation, password change and reset" };

export function accountPaths() {
  const anonymous = true;
  const account = { $ref: '#/components/schemas/Account' };
  const me = (id: string) => ({
    get: operation({ id: `retrieve${id}`, summary: 'The account', tag, ok: 200, response: account }),
    put: operation({ id: `update${id}`, summary: 'Change the e-mail address (the account waits for its activation again); sends an activation e-mail', tag, ok: 200, body: Type.Partial(Account), response: account }),
    patch: operation({ id: `partialUpdate${id}`, summary: 'As PUT', tag, ok: 200, body: Type.Partial(Account), response: account }),
    delete: operation({ id: `destroy${id}`, summary: 'Delete the account (the caller’s current password)', tag, ok: 204, body: Type.Object(CurrentPassword) }),
  });
  return {
    '/auth/': { get: operation({ id: 'accountsRoot', summary: "The router's root: a link to users/", tag, ok: 200, response: Type.Record(Type.String(), Type.String({ format: 'uri' })) }) },
    '/auth/users/': {
      get: operation({ id: 'listAccounts', summary: 'The caller alone; staff: every user', tag, ok: 200, response: Type.Array(account) }),
      post: operation({
        id: 'signUp', summary: 'Sign up: the account is inactive until the e-mailed activation link is used (404 with REGISTRATION=false)', tag, ok: 201, anonymous,
        body: Type.Object({ email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })), username: Type.String({ maxLength: 150 }), password: Type.String({ format: 'password', writeOnly: true }) }),
        response: account, responses: Throttled,
      }),
    },
    '/auth/users/me/': me('Me'),
    '/auth/users/{id}/': { parameters: [idParameter()], ...me('Account') },
    '/auth/users/activation/': { post: operation({ id: 'activate', summary: 'Activate with the link’s uid and token (403 once used)', tag, ok: 204, anonymous, body: Type.Object(UidAndToken) }) },
    '/auth/users/resend_activation/': { post: operation({ id: 'resendActivation', summary: 'E-mail the activation link again to an inactive account (400 with no body when there is none)', tag, ok: 204, anonymous, body: Email, responses: Throttled }) },
    '/auth/users/set_password/': { post: operation({ id: 'setPassword', summary: 'Change the password (Django’s validators)', tag, ok: 204, body: Type.Object({ new_password: Type.String({ format: 'password' }), ...CurrentPassword }) }) },
    '/auth/users/reset_password/': { post: operation({ id: 'resetPassword', summary: 'E-mail a reset link; 204 whether or not the address has an account', tag, ok: 204, anonymous, body: Email, responses: Throttled }) },
    '/auth/users/reset_password_confirm/': { post: operation({ id: 'resetPasswordConfirm', summary: 'Set a new password with the link’s uid and token (valid once, 3 days)', tag, ok: 204, anonymous, body: Type.Object({ ...UidAndToken, new_password: Type.String({ format: 'password' }) }) }) },
    '/auth/users/set_username/': { post: operation({ id: 'setUsername', summary: 'Change the username', tag, ok: 204, body: Type.Object({ ...CurrentPassword, new_username: Type.String({ maxLength: 150 }) }) }) },
    '/auth/token/login/': {
      post: operation({
        id: 'accountsLogin', summary: 'Log in: the same key as /api/token-auth/ (per-device mode: a new device token)', tag, ok: 200, anonymous,
        body: Type.Object({ username: Type.String(), password: Type.String({ format: 'password' }) }),
        response: Type.Object({ auth_token: Type.String({ pattern: '^[0-9a-f]{40}$' }) }),
        responses: { 429: { description: 'Too many failed logins (Retry-After)', ...json({ $ref: '#/components/schemas/Detail' }) } },
      }),
    },
    '/auth/token/logout/': { post: operation({ id: 'accountsLogout', summary: 'Delete the token this request was sent with', tag, ok: 204 }) },
  };
}

export const ACCOUNT_SCHEMAS = { Account };
