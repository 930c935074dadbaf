import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, TOKEN } from '../../test/helpers.tsx';
import type { FakeResponse, RecordedRequest } from '../../test/helpers.tsx';

const SESSION = { token: TOKEN, username: 'stella' };
const ME = { id: 2, username: 'stella', is_staff: true, is_superuser: false };
const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });

function user(id: number, username: string, extra: Record<string, unknown> = {}) {
  return {
    id, username, email: '', first_name: '', last_name: '', is_active: true, is_staff: false, is_superuser: false,
    date_joined: '2026-11-28T14:51:16.620289Z', last_login: null, has_token: true, ...extra,
  };
}

function server(routes: (request: RecordedRequest, path: string, query: URLSearchParams) => FakeResponse | undefined) {
  return (request: RecordedRequest): FakeResponse => {
    const url = new URL(request.url, 'http://test');
    if (url.pathname === '/api/admin/me/') return { status: 200, body: ME };
    return routes(request, url.pathname, url.searchParams) ?? { status: 200, body: page([]) };
  };
}

const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr') as HTMLElement;

describe('admin lists', { timeout: 20_000 }, () => {
  it('opens a deep link with its search, filter, ordering and page, and sorts by a column header', async () => {
    const u = userEvent.setup();
    const { server: fake } = renderApp({
      path: '/admin/users?search=ali&is_staff=false&ordering=-date_joined&page=2',
      session: SESSION,
      handler: server((_request, path) => (path === '/api/admin/users/' ? { status: 200, body: { ...page([user(1, 'alice')]), count: 30, previous: 'x' } } : undefined)),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    const asked = fake.requests.find((request) => request.url.startsWith('/api/admin/users/'))!;
    expect(new URL(asked.url, 'http://test').searchParams.toString()).toBe('search=ali&is_staff=false&ordering=-date_joined&page=2');
    expect((screen.getByLabelText('Search users') as HTMLInputElement).value).toBe('ali');
    expect((screen.getByLabelText('Staff') as HTMLSelectElement).value).toBe('false');
    expect(screen.getByText('30 users · page 2 of 2')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: /Joined/ }).getAttribute('aria-sort')).toBe('descending');

    await u.click(screen.getByRole('button', { name: /^Username/ }));
    await waitFor(() => expect(window.location.search).toBe('?search=ali&is_staff=false&ordering=username'));
    await waitFor(() => expect(fake.requests.at(-1)?.url).toContain('ordering=username&page=1'));
    expect(screen.getByRole('columnheader', { name: /Username/ }).getAttribute('aria-sort')).toBe('ascending');
    await u.click(screen.getByRole('button', { name: /^Username/ }));
    await waitFor(() => expect(window.location.search).toContain('ordering=-username'));

    // Back undoes the sort.
    window.history.back();
    await waitFor(() => expect(window.location.search).toBe('?search=ali&is_staff=false&ordering=username'));
  });

  it('deactivates several users after one confirmation, never oneself', async () => {
    const u = userEvent.setup();
    const { server: fake } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: server((request, path) => {
        if (path === '/api/admin/users/') return { status: 200, body: page([user(1, 'alice'), user(2, 'stella', { is_staff: true }), user(3, 'bob')]) };
        if (request.method === 'PATCH') return { status: 200, body: user(Number(path.split('/')[4]), 'x', { is_active: false }) };
        return undefined;
      }),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    expect((within(rowOf('stella')).getByRole('checkbox') as HTMLInputElement).disabled).toBe(true);
    await u.click(screen.getByRole('checkbox', { name: 'Select all on this page' }));
    expect(screen.getByText('2 users selected')).toBeTruthy();
    await u.click(screen.getByRole('button', { name: 'Deactivate selected' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Deactivate 2 users?' });
    expect(confirm.textContent).toContain('alice, bob');
    expect(fake.requests.some((request) => request.method === 'PATCH')).toBe(false);
    await u.click(within(confirm).getByRole('button', { name: 'Deactivate all' }));
    expect(await screen.findByText('Deactivated 2 users: alice, bob.')).toBeTruthy();
    const patches = fake.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => [request.url, request.body])).toEqual([
      ['/api/admin/users/1/', { is_active: false }],
      ['/api/admin/users/3/', { is_active: false }],
    ]);
  });

  it("links each user to their history, and filters the audit log by day", async () => {
    const u = userEvent.setup();
    const { server: fake } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: server((_request, path) => (path === '/api/admin/users/' ? { status: 200, body: page([user(1, 'alice')]) } : undefined)),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    await u.click(screen.getByRole('link', { name: 'History of alice' }));
    await screen.findByRole('heading', { level: 1, name: 'Audit log' });
    expect(screen.getByText(/History of user #1/)).toBeTruthy();
    await waitFor(() => expect(fake.requests.at(-1)?.url).toContain('object_type=user&object_id=1'));
    const from = screen.getByLabelText('From');
    await u.type(from, '2026-11-28');
    await u.type(screen.getByLabelText('To'), '2026-11-30');
    // "To" a day includes it: the API's exclusive `until` is the day after.
    await waitFor(() => expect(fake.requests.at(-1)?.url).toContain('since=2026-11-28&until=2026-12-01'));
    expect(window.location.search).toContain('from=2026-11-28&to=2026-11-30');
  });

  it("clears a username's login throttle, saying the wait in plain words", async () => {
    const u = userEvent.setup();
    let wait = 240;
    const { server: fake } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: server((request, path, query) => {
        if (path !== '/api/admin/throttles/') return undefined;
        if (request.method === 'POST') {
          wait = 0;
          return { status: 200, body: { username: (request.body as { username: string }).username, wait } };
        }
        return { status: 200, body: { username: query.get('username'), wait } };
      }),
    });
    const tool = await screen.findByRole('form', { name: 'Login throttle' });
    await u.type(within(tool).getByLabelText('Username'), 'alice');
    await u.click(within(tool).getByRole('button', { name: 'Check' }));
    expect(await screen.findByText('alice may sign in again in 4 minutes.')).toBeTruthy();
    await u.click(within(tool).getByRole('button', { name: 'Clear the throttle of alice' }));
    expect(await screen.findByText('alice may sign in again now.')).toBeTruthy();
    expect(fake.requests.find((request) => request.method === 'POST')?.body).toEqual({ username: 'alice' });
  });

  it('lists per-device tokens on the Tokens page and revokes one after a confirmation', async () => {
    const u = userEvent.setup();
    const devices = [{ id: 7, user: { id: 1, username: 'alice' }, name: 'Work laptop', created: '2026-11-28T14:51:16Z', expires: '2026-12-28T14:51:16Z' }];
    const { server: fake } = renderApp({
      path: '/admin/tokens',
      session: SESSION,
      handler: server((request, path) => {
        if (path === '/api/admin/devices/') return { status: 200, body: page(devices) };
        if (path === '/api/admin/devices/7/' && request.method === 'DELETE') {
          devices.length = 0;
          return { status: 204 };
        }
        return undefined;
      }),
    });
    const section = await screen.findByRole('region', { name: 'Device tokens' });
    expect(within(section).getByText('Work laptop')).toBeTruthy();
    await u.click(within(section).getByRole('button', { name: 'Revoke alice on Work laptop' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Revoke device token?' });
    await u.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Signed out alice on “Work laptop”.')).toBeTruthy();
    expect(fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.url)).toEqual(['/api/admin/devices/7/']);
  });
});

describe('Devices page', { timeout: 20_000 }, () => {
  it("lists the user's devices, signs one out, and signs out everywhere", async () => {
    const u = userEvent.setup();
    const devices = [
      { id: 1, name: 'This laptop', created: '2026-11-28T14:51:16Z', expires: null, current: true },
      { id: 2, name: 'Old phone', created: '2026-11-20T10:00:00Z', expires: '2026-12-20T10:00:00Z', current: false },
    ];
    const { server: fake } = renderApp({
      path: '/devices',
      session: { token: TOKEN, username: 'alice' },
      handler: (request) => {
        if (request.url === '/api/admin/me/') return { status: 200, body: { id: 1, username: 'alice', is_staff: false, is_superuser: false } };
        if (request.url === '/api/devices/') return { status: 200, body: devices };
        if (request.url === '/api/devices/2/') {
          devices.splice(1, 1);
          return { status: 204 };
        }
        if (request.url === '/api/logout-all/') return { status: 200, body: { message: 'Logged out.' } };
        return { status: 404, body: { detail: 'Not found.' } };
      },
    });
    await screen.findByText('Old phone', { selector: '.device-list__name' });
    expect(screen.getByText('This device')).toBeTruthy();
    await u.click(screen.getByRole('button', { name: 'Sign out Old phone' }));
    await u.click(within(await screen.findByRole('alertdialog', { name: 'Sign out this device?' })).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('Signed out “Old phone”.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Old phone', { selector: '.device-list__name' })).toBeNull());

    await u.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    await u.click(within(await screen.findByRole('alertdialog', { name: 'Sign out everywhere?' })).getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(screen.getByText('You have been logged out on every device.')).toBeTruthy();
    expect(fake.requests.some((request) => request.url === '/api/logout-all/' && request.method === 'POST')).toBe(true);
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
  });

  it('asks /api/admin/me/, which answers 200, so a user who is not staff gets no 403', async () => {
    const { server: fake } = renderApp({
      path: '/products',
      session: { token: TOKEN, username: 'alice' },
      handler: (request) => (request.url === '/api/admin/me/' ? { status: 200, body: { id: 1, username: 'alice', is_staff: false, is_superuser: false } } : { status: 200, body: [] }),
    });
    await screen.findByRole('heading', { level: 2, name: 'No products yet' });
    await waitFor(() => expect(fake.requests.some((request) => request.url === '/api/admin/me/')).toBe(true));
    expect(fake.requests.some((request) => request.url === '/api/admin/')).toBe(false);
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: 'Admin' })).toBeNull();
  });
});
