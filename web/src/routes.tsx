/**
 * The pages of the app, in one table. A page plugs in by adding an entry: its path, the
 * title for the browser tab, who may see it, and (optionally) a label in the main
 * navigation. The admin pages of a later issue go here too, with their own `access`.
 */
import type { ReactElement } from 'react';
import type { Session } from './api/token-store.ts';
import { LoginPage } from './pages/login-page.tsx';
import { AccountPage, ActivatePage, ForgotPasswordPage, ResetPasswordPage, SignUpPage } from './pages/account-pages.tsx';
import { DevicesPage } from './pages/devices-page.tsx';
import { ProductsPage } from './pages/products-page.tsx';
import { AdminProductsPage } from './pages/admin/admin-products-page.tsx';
import { AuditLogPage } from './pages/admin/audit-log-page.tsx';
import { TokensPage } from './pages/admin/tokens-page.tsx';
import { UsersPage } from './pages/admin/users-page.tsx';
import { Redirect } from './router/index.ts';

export type Access =
  /** Anyone; shown in the bare layout (no header). */
  | 'public'
  /** Only without a session (the login page); a signed-in user goes on to `next`. */
  | 'signed-out'
  /** Needs a session; otherwise the user is sent to /login?next=<this path>. */
  | 'signed-in';

export interface RouteDefinition {
  /** `/products` or a pattern like `/products/:id`. */
  path: string;
  title: string;
  access: Access;
  render(params: Record<string, string>): ReactElement;
  /** A link in the header of signed-in pages. */
  nav?: {
    label: string;
    visible?(session: Session): boolean;
    /** Shown only to staff (the server said so: auth/staff-context.tsx). */
    staffOnly?: boolean;
    /** Where the link goes, when not the route's own path (a pattern). */
    to?: string;
  };
}

export const HOME_PATH = '/products';
export const LOGIN_PATH = '/login';

export const routes: readonly RouteDefinition[] = [
  { path: LOGIN_PATH, title: 'Sign in', access: 'signed-out', render: () => <LoginPage /> },
  // The accounts (pages/account-pages.tsx); the e-mailed links land on /activate/ and /password-reset/.
  { path: '/signup', title: 'Create an account', access: 'signed-out', render: () => <SignUpPage /> },
  { path: '/activate/:uid/:token', title: 'Activate your account', access: 'public', render: (params) => <ActivatePage uid={params.uid ?? ''} token={params.token ?? ''} /> },
  { path: '/forgot-password', title: 'Forgot your password?', access: 'signed-out', render: () => <ForgotPasswordPage /> },
  { path: '/password-reset/:uid/:token', title: 'Choose a new password', access: 'public', render: (params) => <ResetPasswordPage uid={params.uid ?? ''} token={params.token ?? ''} /> },
  { path: '/account', title: 'Your account', access: 'signed-in', render: () => <AccountPage />, nav: { label: 'Account' } },
  {
    path: '/products',
    title: 'Products',
    access: 'signed-in',
    render: () => <ProductsPage />,
    nav: { label: 'Products' },
  },
  { path: '/devices', title: 'Devices', access: 'signed-in', render: () => <DevicesPage />, nav: { label: 'Devices' } },
  // The admin pages check staff status themselves and show "not allowed" to others.
  { path: '/admin', title: 'Admin', access: 'signed-in', render: () => <Redirect to="/admin/users" />, nav: { label: 'Admin', staffOnly: true, to: '/admin/users' } },
  { path: '/admin/users', title: 'Users · Admin', access: 'signed-in', render: () => <UsersPage /> },
  { path: '/admin/tokens', title: 'Tokens · Admin', access: 'signed-in', render: () => <TokensPage /> },
  { path: '/admin/products', title: 'Products · Admin', access: 'signed-in', render: () => <AdminProductsPage /> },
  { path: '/admin/audit-log', title: 'Audit log · Admin', access: 'signed-in', render: () => <AuditLogPage /> },
];
