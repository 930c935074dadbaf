import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, TOKEN } from '../../test/helpers.tsx';
import type { FakeResponse, RecordedRequest } from '../../test/helpers.tsx';

const SESSION = { token: TOKEN, username: 'stella' };
const STELLA = { id: 2, username: 'stella', is_superuser: false };

function user(id: number, username: string, extra: Record<string, unknown> = {}) {
  return {
    id, username, email: '', first_name: '', last_name: '', is_active: true, is_staff: false, is_superuser: false,
    date_joined: '2026-11-28T14:51:16.620289Z', last_login: null, has_token: true, ...extra,
  };
}

const page = (results: unknown[], extra: Record<string, unknown> = {}) => ({ count: results.length, next: null, previous: null, results, ...extra });

/** A fake admin API: the root says who is asking; other answers come from `routes`. */
function adminServer(routes: (request: RecordedRequest, path: string) => FakeResponse | undefined, me: unknown = STELLA) {
  return (request: RecordedRequest): FakeResponse => {
    const path = new URL(request.url, 'http://test').pathname;
    if (path === '/api/admin/me/') return { status: 200, body: me === null ? { id: 9, username: 'nina', is_staff: false, is_superuser: false } : { is_staff: true, ...(me as object) } };
    return routes(request, path) ?? { status: 404, body: { detail: 'Not found.' } };
  };
}

function rowOf(username: string): HTMLElement {
  return screen.getByRole('rowheader', { name: username }).closest('tr') as HTMLElement;
}

describe('admin pages', { timeout: 20_000 }, () => {
  it('shows "not allowed" to a user who is not staff, and no Admin link', async () => {
    renderApp({ path: '/admin/users', session: SESSION, handler: adminServer(() => undefined, null) });
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeTruthy();
    expect(screen.getByText('The admin is for staff accounts, and yours is not one.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { name: 'Admin' })).toBeNull();
  });

  it('lists users for staff, searches and filters through the query string, and pages', async () => {
    const u = userEvent.setup();
    const { server } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: adminServer((request, path) => {
        if (path !== '/api/admin/users/') return undefined;
        const query = new URL(request.url, 'http://test').searchParams;
        if (query.get('page') === '2') return { status: 200, body: page([user(30, 'zed')], { count: 26, previous: 'http://test/api/admin/users/' }) };
        return { status: 200, body: page([user(1, 'alice', { first_name: 'Alice', last_name: 'Liddell' }), user(2, 'stella', { is_staff: true })], { count: 26, next: 'http://test/api/admin/users/?page=2' }) };
      }),
    });
    await screen.findByRole('rowheader', { name: /alice/ });
    expect(rowOf('stella').textContent).toContain('Staff');
    expect(screen.getByText('Alice Liddell')).toBeTruthy();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Admin' })).toBeTruthy();
    // Nobody can delete their own account: no Delete button on stella's row.
    expect(within(rowOf('stella')).queryByRole('button', { name: /Delete/ })).toBeNull();
    expect(screen.getByText('26 users · page 1 of 2')).toBeTruthy();

    await u.type(screen.getByLabelText('Search users'), 'ali');
    await u.selectOptions(screen.getByLabelText('Active'), 'false');
    await u.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(server.requests.at(-1)?.url).toBe('/api/admin/users/?search=ali&is_active=false&ordering=id&page=1'));
    // The list's state is in the address: reload, deep links and Back work.
    expect(window.location.search).toBe('?search=ali&is_active=false');

    await u.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('rowheader', { name: 'zed' });
    expect(server.requests.at(-1)?.url).toContain('page=2');
    expect(screen.getByText('26 users · page 2 of 2')).toBeTruthy();
  });

  it("shows the server's messages beside the new user's fields", async () => {
    const u = userEvent.setup();
    renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: adminServer((request, path) => {
        if (path === '/api/admin/users/' && request.method === 'GET') return { status: 200, body: page([user(2, 'stella')]) };
        if (path === '/api/admin/users/' && request.method === 'POST') {
          return { status: 400, body: { username: ['A user with that username already exists.'], password: ['This password is entirely numeric.'] } };
        }
        return undefined;
      }),
    });
    await screen.findByRole('rowheader', { name: 'stella' });
    await u.click(screen.getByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    // A staff member who is not a superuser cannot make one.
    expect((within(dialog).getByLabelText('Superuser') as HTMLInputElement).disabled).toBe(true);
    await u.type(within(dialog).getByLabelText('Username'), 'stella');
    await u.type(within(dialog).getByLabelText('Password'), '12345678');
    await u.type(within(dialog).getByLabelText('Password (again)'), '12345679');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    // A typo in the password is caught before anything is sent.
    expect(await within(dialog).findByText('The two passwords do not match.')).toBeTruthy();
    await u.clear(within(dialog).getByLabelText('Password (again)'));
    await u.type(within(dialog).getByLabelText('Password (again)'), '12345678');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    const username = within(dialog).getByLabelText('Username');
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('A user with that username already exists.')).toBeTruthy();
    expect(within(dialog).getByText('This password is entirely numeric.')).toBeTruthy();
  });

  it('sends only the changed fields when editing a user', async () => {
    const u = userEvent.setup();
    const { server } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: adminServer((request, path) => {
        if (path === '/api/admin/users/') return { status: 200, body: page([user(1, 'alice')]) };
        if (path === '/api/admin/users/1/' && request.method === 'PATCH') return { status: 200, body: user(1, 'alice', { is_active: false }) };
        return undefined;
      }),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    await u.click(screen.getByRole('button', { name: 'Edit alice' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit user alice' });
    await u.click(within(dialog).getByLabelText('Active'));
    await u.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit user alice' })).toBeNull());
    const patch = server.requests.find((request) => request.method === 'PATCH');
    expect(patch?.body).toEqual({ is_active: false });
    expect(await screen.findByText('Saved changes to alice.')).toBeTruthy();
  });

  it('resets a token only after a confirmation, and shows the new key once', async () => {
    const u = userEvent.setup();
    const key = 'a'.repeat(40);
    const { server } = renderApp({
      path: '/admin/tokens',
      session: SESSION,
      handler: adminServer((request, path) => {
        if (path === '/api/admin/tokens/' && request.method === 'GET') {
          return { status: 200, body: page([{ user: { id: 1, username: 'alice' }, key_prefix: '3f9a1c', created: '2026-11-28T14:51:16Z' }]) };
        }
        if (path === '/api/admin/tokens/' && request.method === 'POST') {
          return { status: 201, body: { user: { id: 1, username: 'alice' }, key, key_prefix: 'aaaaaa', created: '2026-11-28T15:00:00Z' } };
        }
        return undefined;
      }),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    expect(rowOf('alice').textContent).toContain('3f9a1c…');
    await u.click(screen.getByRole('button', { name: 'Reset the token of alice' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Reset token?' });
    expect(server.requests.some((request) => request.method === 'POST')).toBe(false);
    await u.click(within(confirm).getByRole('button', { name: 'Reset token' }));
    const shown = await screen.findByRole('dialog', { name: 'New token for alice' });
    expect(within(shown).getByTestId('new-key').textContent).toBe(key);
    expect(server.requests.find((request) => request.method === 'POST')?.body).toEqual({ user: 1 });
    await u.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByText(key)).toBeNull());
  });

  it('shows a superuser who resets their own token the new key, then carries on with it', async () => {
    const u = userEvent.setup();
    const key = 'c'.repeat(40);
    let current = TOKEN;
    const { server } = renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: (request) => {
        // The server's rule: only the newest key works.
        if (request.headers.Authorization !== `Token ${current}`) return { status: 401, body: { detail: 'Invalid token.' } };
        return adminServer((req, path) => {
          if (path === '/api/admin/users/') return { status: 200, body: page([user(2, 'stella', { is_staff: true, is_superuser: true })]) };
          if (path === '/api/admin/tokens/' && req.method === 'POST') {
            current = key;
            return { status: 201, body: { user: { id: 2, username: 'stella' }, key, key_prefix: 'cccccc', created: '2026-11-28T15:00:00Z' } };
          }
          return undefined;
        }, { ...STELLA, is_superuser: true })(request);
      },
    });
    await screen.findByRole('rowheader', { name: 'stella' });
    await u.click(screen.getByRole('button', { name: 'Reset token for stella' }));
    await u.click(within(await screen.findByRole('alertdialog', { name: 'Reset token?' })).getByRole('button', { name: 'Reset token' }));
    const shown = await screen.findByRole('dialog', { name: 'New token for stella' });
    expect(within(shown).getByTestId('new-key').textContent).toBe(key);
    await u.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('heading', { level: 1, name: 'Users' })).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Sign in again' })).toBeNull();
    expect(window.sessionStorage.getItem('tessera.token')).toBe(key);
    expect(server.requests.at(-1)?.headers.Authorization).toBe(`Token ${key}`);
    expect(server.requests.some((request) => request.url === '/api/token-auth/')).toBe(false);
  });

  it("offers a superuser's row no buttons to a staff member who is not a superuser", async () => {
    renderApp({
      path: '/admin/users',
      session: SESSION,
      handler: adminServer((_request, path) => (path === '/api/admin/users/' ? { status: 200, body: page([user(1, 'boss', { is_staff: true, is_superuser: true }), user(3, 'alice')]) } : undefined)),
    });
    await screen.findByRole('rowheader', { name: 'boss' });
    expect(within(rowOf('boss')).queryAllByRole('button')).toEqual([]);
    expect(rowOf('boss').textContent).toContain('Only a superuser can change a superuser.');
    expect(within(rowOf('alice')).getByRole('button', { name: 'Reset token for alice' })).toBeTruthy();
    expect(within(rowOf('alice')).getByRole('button', { name: 'Delete alice' })).toBeTruthy();
  });

  it("revokes a token only after a confirmation, and keeps the dialog open with the server's refusal", async () => {
    const u = userEvent.setup();
    const tokens = [
      { user: { id: 1, username: 'boss' }, key_prefix: '9c0ffe', created: '2026-11-28T14:51:16Z' },
      { user: { id: 3, username: 'alice' }, key_prefix: '3f9a1c', created: '2026-11-28T14:51:16Z' },
    ];
    const { server } = renderApp({
      path: '/admin/tokens',
      session: SESSION,
      handler: adminServer((request, path) => {
        if (path === '/api/admin/tokens/') return { status: 200, body: page(tokens) };
        if (path === '/api/admin/tokens/1/' && request.method === 'DELETE') return { status: 403, body: { detail: 'Only a superuser can change a superuser.' } };
        if (path === '/api/admin/tokens/3/' && request.method === 'DELETE') {
          tokens.splice(1, 1);
          return { status: 204 };
        }
        return undefined;
      }),
    });
    await screen.findByRole('rowheader', { name: 'alice' });
    const deletes = () => server.requests.filter((request) => request.method === 'DELETE');

    await u.click(screen.getByRole('button', { name: 'Revoke the token of alice' }));
    let confirm = await screen.findByRole('alertdialog', { name: 'Revoke token?' });
    expect(confirm.textContent).toContain('3f9a1c…');
    await u.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(deletes()).toEqual([]);

    await u.click(screen.getByRole('button', { name: 'Revoke the token of boss' }));
    confirm = await screen.findByRole('alertdialog', { name: 'Revoke token?' });
    await u.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    expect(await within(confirm).findByText('Only a superuser can change a superuser.')).toBeTruthy();
    await u.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());

    await u.click(screen.getByRole('button', { name: 'Revoke the token of alice' }));
    confirm = await screen.findByRole('alertdialog', { name: 'Revoke token?' });
    await u.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Revoked the token of alice.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'alice' })).toBeNull());
    expect(deletes().map((request) => request.url)).toEqual(['/api/admin/tokens/1/', '/api/admin/tokens/3/']);
  });

  it('filters the audit log by action and shows what changed', async () => {
    const u = userEvent.setup();
    const { server } = renderApp({
      path: '/admin/audit-log',
      session: SESSION,
      handler: adminServer((_request, path) => {
        if (path !== '/api/admin/audit-log/') return undefined;
        return {
          status: 200,
          body: page([{
            id: 9, created: '2026-11-28T14:51:16Z', actor: { id: 2, username: 'stella' }, action: 'user_updated',
            object_type: 'user', object_id: '1', object_repr: 'alice', changes: { is_active: [true, false] }, ip: '10.0.0.1',
          }]),
        };
      }),
    });
    const cell = await screen.findByText('is_active: true → false');
    expect(cell.closest('tr')?.textContent).toContain('10.0.0.1');
    await u.selectOptions(screen.getByLabelText('Action'), 'user_updated');
    await waitFor(() => expect(server.requests.at(-1)?.url).toBe('/api/admin/audit-log/?action=user_updated&ordering=-created&page=1'));
  });
});
