import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deferred, PEN, renderApp, TOKEN } from '../test/helpers.tsx';
import type { FakeResponse, Handler } from '../test/helpers.tsx';

const SESSION = { token: TOKEN, username: 'alice' };

function openProducts(handler: Handler) {
  return renderApp({ path: '/products', handler, session: SESSION });
}

function rowOf(name: string): HTMLElement {
  const header = screen.getByRole('rowheader', { name });
  return header.closest('tr') as HTMLElement;
}

describe('ProductsPage', () => {
  it('shows a loading state, then the list with the server’s price and a <time>', async () => {
    const answer = deferred<FakeResponse>();
    const { server } = openProducts(() => answer.promise);
    expect(screen.getByText('Loading products…')).toBeTruthy();
    answer.resolve({ status: 200, body: [PEN] });

    await screen.findByRole('rowheader', { name: 'Pen' });
    const row = rowOf('Pen');
    expect(within(row).getByText('Blue ink')).toBeTruthy();
    expect(within(row).getByText('12.50')).toBeTruthy();
    const time = row.querySelector('time');
    expect(time?.getAttribute('datetime')).toBe('2026-11-28T14:51:16.620289Z');
    expect(time?.textContent).not.toBe('2026-11-28T14:51:16.620289Z');
    expect(screen.getByText('1 product')).toBeTruthy();
    expect(server.requests[0]?.headers.Authorization).toBe(`Token ${TOKEN}`);
  });

  it('shows an empty state', async () => {
    openProducts(() => ({ status: 200, body: [] }));
    expect(await screen.findByRole('heading', { level: 2, name: 'No products yet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add your first product' })).toBeTruthy();
  });

  it('shows an error state with Try again', async () => {
    const user = userEvent.setup();
    let calls = 0;
    openProducts(() => (++calls === 1 ? { status: 500, body: undefined } : { status: 200, body: [PEN] }));
    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('The products could not be loaded.'));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('rowheader', { name: 'Pen' })).toBeTruthy();
  });

  it('on a 401 asks for the password again; "Sign out" goes to login, forgetting the token', async () => {
    const user = userEvent.setup();
    openProducts(() => ({ status: 401, body: { detail: 'Invalid token.' } }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign in again' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(window.location.pathname + window.location.search).toBe('/login?next=%2Fproducts');
    expect(screen.getByRole('status').textContent).toContain('your token was revoked or replaced');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('alice');
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
  });

  it('creates a product; server messages appear beside their fields', async () => {
    const user = userEvent.setup();
    const created = { ...PEN, id: 2, name: 'Notebook', description: '', price: '4.90' };
    const { server } = openProducts((request) => {
      if (request.method === 'GET') return { status: 200, body: [PEN] };
      const body = request.body as { name: string; price: string };
      if (body.name.trim() === '') {
        return { status: 400, body: { name: ['This field may not be blank.'], price: ['A valid number is required.'] } };
      }
      return { status: 201, body: created };
    });
    await screen.findByRole('rowheader', { name: 'Pen' });

    await user.click(screen.getByRole('button', { name: 'New product' }));
    const dialog = screen.getByRole('dialog', { name: 'New product' });
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByLabelText('Name')));
    await user.type(within(dialog).getByLabelText('Price'), 'abc');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));

    const name = within(dialog).getByLabelText('Name');
    const price = within(dialog).getByLabelText('Price');
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(price.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByText('This field may not be blank.')).toBeTruthy();
    expect(within(dialog).getByText('A valid number is required.')).toBeTruthy();
    const describedBy = (price.getAttribute('aria-describedby') ?? '').split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain('A valid number is required.');
    await waitFor(() => expect(document.activeElement).toBe(name));
    expect(within(dialog).getByRole('alert').textContent).toContain('The product was not saved.');

    await user.type(name, 'Notebook');
    await user.clear(price);
    await user.type(price, '4.9');
    await user.click(within(dialog).getByRole('button', { name: 'Create product' }));

    expect(await screen.findByRole('rowheader', { name: 'Notebook' })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(within(rowOf('Notebook')).getByText('4.90')).toBeTruthy();
    expect(screen.getByText('Created “Notebook”.')).toBeTruthy();
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/products/',
      body: { name: 'Notebook', description: '', price: '4.9' },
    });
  });

  it('edits a product with PUT and shows the saved values', async () => {
    const user = userEvent.setup();
    const { server } = openProducts((request) =>
      request.method === 'GET'
        ? { status: 200, body: [PEN] }
        : { status: 200, body: { ...PEN, ...(request.body as object), price: '15.00' } },
    );
    await screen.findByRole('rowheader', { name: 'Pen' });
    await user.click(screen.getByRole('button', { name: 'Edit Pen' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit “Pen”' });
    const price = within(dialog).getByLabelText('Price') as HTMLInputElement;
    expect(price.value).toBe('12.50');
    await user.clear(price);
    await user.type(price, '15');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(within(rowOf('Pen')).getByText('15.00')).toBeTruthy();
    expect(server.requests.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/api/products/1/',
      body: { name: 'Pen', description: 'Blue ink', price: '15' },
    });
  });

  it('shows a 404 on save above the form', async () => {
    const user = userEvent.setup();
    openProducts((request) =>
      request.method === 'GET' ? { status: 200, body: [PEN] } : { status: 404, body: { detail: 'Not found.' } },
    );
    await screen.findByRole('rowheader', { name: 'Pen' });
    await user.click(screen.getByRole('button', { name: 'Edit Pen' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    const alert = within(dialog).getByRole('alert');
    await waitFor(() => expect(alert.textContent).toContain('Not found.'));
    await waitFor(() => expect(document.activeElement).toBe(alert));
  });

  it('deletes only after confirmation', async () => {
    const user = userEvent.setup();
    const { server } = openProducts((request) =>
      request.method === 'GET' ? { status: 200, body: [PEN] } : { status: 204 },
    );
    await screen.findByRole('rowheader', { name: 'Pen' });

    await user.click(screen.getByRole('button', { name: 'Delete Pen' }));
    let confirm = screen.getByRole('alertdialog', { name: 'Delete product?' });
    expect(confirm.textContent).toContain('“Pen” will be deleted permanently.');
    await waitFor(() => expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Cancel' })));
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(server.requests.filter((request) => request.method === 'DELETE')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Delete Pen' }));
    confirm = screen.getByRole('alertdialog', { name: 'Delete product?' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'No products yet' })).toBeTruthy();
    expect(screen.getByText('Deleted “Pen”.')).toBeTruthy();
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/products/1/' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Products' })));
  });

  it('closes a dialog with Escape', async () => {
    const user = userEvent.setup();
    openProducts(() => ({ status: 200, body: [PEN] }));
    await screen.findByRole('rowheader', { name: 'Pen' });
    await user.click(screen.getByRole('button', { name: 'New product' }));
    expect(screen.getByRole('dialog')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('logging out', () => {
  it('calls POST /api/logout/, forgets the token and returns to login', async () => {
    const user = userEvent.setup();
    const { server } = openProducts((request) =>
      request.url === '/api/logout/'
        ? { status: 200, body: { message: 'Logout successful' } }
        : { status: 200, body: [] },
    );
    await screen.findByRole('heading', { level: 2, name: 'No products yet' });
    await user.click(screen.getByRole('button', { name: 'Log out' }));

    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(window.location.pathname + window.location.search).toBe('/login');
    expect(screen.getByRole('status').textContent).toBe('You have been logged out.');
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/logout/',
      headers: { Authorization: `Token ${TOKEN}` },
    });
  });

  it('still logs out locally when the server cannot be reached, and says so', async () => {
    const user = userEvent.setup();
    openProducts((request) => {
      if (request.url === '/api/logout/') throw new TypeError('Failed to fetch');
      return { status: 200, body: [] };
    });
    await screen.findByRole('heading', { level: 2, name: 'No products yet' });
    await user.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(screen.getByRole('status').textContent).toContain('the server could not be reached');
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
  });

  it('follows a logout in another tab', async () => {
    openProducts(() => ({ status: 200, body: [] }));
    await screen.findByRole('heading', { level: 2, name: 'No products yet' });
    window.sessionStorage.clear();
    window.dispatchEvent(new StorageEvent('storage', { key: 'tessera.token' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
  });
});
