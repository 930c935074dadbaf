/**
 * The frame of every signed-in page: a skip link, the header with the app's navigation
 * and the account menu (username, Log out), and the `<main>` landmark.
 */
import { useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { useAuth } from '../auth/auth-context.tsx';
import { useLocation } from '../router/history.ts';
import { Link } from '../router/link.tsx';

export interface NavItem {
  to: string;
  label: string;
}

export interface AppShellProps {
  nav: readonly NavItem[];
  children: ReactNode;
}

export function AppShell({ nav, children }: AppShellProps): ReactElement {
  const { session, signOut } = useAuth();
  const { pathname } = useLocation();
  const [signingOut, setSigningOut] = useState(false);

  async function handleLogout(): Promise<void> {
    setSigningOut(true);
    // Ends the session; the router then takes the user to the login page.
    await signOut();
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Link to="/products" className="brand">
            <Logo />
            <span>Tessera</span>
          </Link>
          <nav aria-label="Main" className="topnav">
            <ul>
              {nav.map((item) => {
                // "Admin" links to /admin/users but is current on every /admin page.
                const section = item.to.startsWith('/admin') ? '/admin' : item.to;
                const current = pathname === section || pathname.startsWith(`${section}/`);
                return (
                  <li key={item.to}>
                    <Link to={item.to} aria-current={current ? 'page' : undefined} className="topnav__link">
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="account">
            {session?.username ? (
              <span className="account__name">
                <span className="visually-hidden">Signed in as </span>
                {session.username}
              </span>
            ) : null}
            <button
              type="button"
              className="button button--small"
              onClick={() => void handleLogout()}
              disabled={signingOut}
              aria-busy={signingOut || undefined}
            >
              {signingOut ? 'Logging out…' : 'Log out'}
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </div>
  );
}

export function Logo(): ReactElement {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <path d="M8 8h7v7H8zM17 8h7v7h-7zM8 17h7v7H8z" fill="#fff" />
      <path d="M17 17h7v7h-7z" fill="#a5b4fc" />
    </svg>
  );
}
