/**
 * Picks the page for the current path, applies its access rule, and wraps signed-in pages
 * in the app shell. `/` goes to the products page; unknown paths get a 404 page.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import type { ReactElement } from 'react';
import type { ApiClient } from './api/client.ts';
import { QueryProvider } from './api/query.tsx';
import { AuthProvider, useAuth } from './auth/auth-context.tsx';
import { StaffProvider, useStaff } from './auth/staff-context.tsx';
import { AppShell } from './components/app-shell.tsx';
import type { NavItem } from './components/app-shell.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { matchPath, Redirect, safeNextPath, useLocation } from './router/index.ts';
import { HOME_PATH, LOGIN_PATH, routes as defaultRoutes } from './routes.tsx';
import type { RouteDefinition } from './routes.tsx';

export interface AppProps {
  api: ApiClient;
  /** Defaults to the app's own table (routes.tsx); tests pass their own. */
  routes?: readonly RouteDefinition[];
}

export function App({ api, routes = defaultRoutes }: AppProps): ReactElement {
  return (
    <QueryProvider>
      <AuthProvider api={api}>
        <ForgetDataOnSignOut />
        <StaffProvider>
          <Router routes={routes} />
        </StaffProvider>
      </AuthProvider>
    </QueryProvider>
  );
}

/** What one user saw is not kept for the next: signing out empties the query cache. */
function ForgetDataOnSignOut(): null {
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const signedIn = session !== null;
  useEffect(() => {
    if (!signedIn) queryClient.clear();
  }, [signedIn, queryClient]);
  return null;
}

interface RouterProps {
  routes: readonly RouteDefinition[];
}

function Router({ routes }: RouterProps): ReactElement {
  const { session, notice } = useAuth();
  const staff = useStaff().status.state === 'staff';
  const { pathname, search } = useLocation();

  const match = useMemo(() => {
    for (const route of routes) {
      const params = matchPath(route.path, pathname);
      if (params) return { route, params };
    }
    return null;
  }, [routes, pathname]);

  const nav = useMemo<NavItem[]>(
    () =>
      routes
        .filter((route) => route.nav && session && (route.nav.visible?.(session) ?? true) && (!route.nav.staffOnly || staff))
        .map((route) => ({ to: route.nav?.to ?? route.path, label: route.nav?.label ?? route.title })),
    [routes, session, staff],
  );

  const title = match ? match.route.title : pathname === '/' ? '' : 'Page not found';
  useEffect(() => {
    document.title = title ? `${title} · Tessera` : 'Tessera';
  }, [title]);

  if (pathname === '/' || pathname === '') {
    return <Redirect to={session ? HOME_PATH : LOGIN_PATH} />;
  }
  if (!match) {
    return session ? (
      <AppShell nav={nav}>
        <NotFoundPage />
      </AppShell>
    ) : (
      <Redirect to={`${LOGIN_PATH}?next=${encodeURIComponent(pathname + search)}`} />
    );
  }

  const { route, params } = match;
  if (route.access === 'signed-in' && !session) {
    // After "Log out" a plain /login; otherwise come back here after signing in.
    const next = notice?.reason === 'signed-out' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return <Redirect to={LOGIN_PATH + next} />;
  }
  if (route.access === 'signed-out' && session) {
    return <Redirect to={safeNextPath(new URLSearchParams(search).get('next'), HOME_PATH)} />;
  }
  if (route.access === 'signed-in') {
    return <AppShell nav={nav}>{route.render(params)}</AppShell>;
  }
  return route.render(params);
}
