import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { PEN, renderApp, TOKEN } from '../test/helpers.tsx';
import type { RecordedRequest } from '../test/helpers.tsx';

const NEW_TOKEN = 'b'.repeat(40);

/** A server whose first key was revoked (or expired) after the page had loaded. */
function revokedAfterLoad(refusal: string) {
  let revoked = false;
  const handler = (request: RecordedRequest) => {
    if (request.url === '/api/token-auth/') {
      const body = request.body as { username: string; password: string };
      return body.password === 'right-password'
        ? { status: 200, body: { token: NEW_TOKEN } }
        : { status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } };
    }
    if (request.headers.Authorization === `Token ${TOKEN}` && revoked) return { status: 401, body: { detail: refusal } };
    if (request.method === 'POST' && request.url === '/api/products/') {
      return { status: 201, body: { ...PEN, id: 2, ...(request.body as object) } };
    }
    return { status: 200, body: [PEN] };
  };
  return { handler, revoke: () => { revoked = true; } };
}

describe('signing in again when the token stops working', () => {
  it('keeps the filled-in form, asks for the password in place, and sends the action again', async () => {
    const user = userEvent.setup();
    const server = revokedAfterLoad('Invalid token.');
    const { server: fake } = renderApp({ path: '/products', session: { token: TOKEN, username: 'alice' }, storage: 'local', handler: server.handler });
    await screen.findByRole('rowheader', { name: 'Pen' });
    await user.click(screen.getByRole('button', { name: 'New product' }));
    const form = await screen.findByRole('dialog', { name: 'New product' });
    await user.type(within(form).getByLabelText('Name'), 'Stapler');
    await user.type(within(form).getByLabelText('Price'), '4.20');
    server.revoke();
    await user.click(within(form).getByRole('button', { name: 'Create product' }));

    const again = await screen.findByRole('dialog', { name: 'Sign in again' });
    expect(again.textContent).toContain('your token was revoked or replaced');
    expect(again.textContent).toContain('alice');
    // A wrong password: the server's message, and still no lost work.
    await user.type(within(again).getByLabelText('Password'), 'wrong');
    await user.click(within(again).getByRole('button', { name: 'Sign in' }));
    expect(await within(again).findByText('Unable to log in with provided credentials.')).toBeTruthy();
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('Stapler');

    await user.clear(within(again).getByLabelText('Password'));
    await user.type(within(again).getByLabelText('Password'), 'right-password');
    await user.click(within(again).getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Created “Stapler”.')).toBeTruthy();
    expect(screen.queryByRole('dialog', { name: 'Sign in again' })).toBeNull();
    const posts = fake.requests.filter((request) => request.method === 'POST' && request.url === '/api/products/');
    expect(posts.map((request) => request.headers.Authorization)).toEqual([`Token ${TOKEN}`, `Token ${NEW_TOKEN}`]);
    expect(posts[1]?.body).toEqual({ name: 'Stapler', description: '', price: '4.20' });
    expect(fake.requests.find((request) => request.url === '/api/token-auth/')?.body).toEqual({ username: 'alice', password: 'wrong' });
    // "Remember me" stays as chosen, with the new key.
    expect(window.localStorage.getItem('tessera.token')).toBe(NEW_TOKEN);
  }, 20_000);

  it('says why when the server says the token expired or the user was deactivated', async () => {
    for (const [refusal, reason] of [['Token has expired.', 'Your session has expired.'], ['User inactive or deleted.', 'Your account has been deactivated.']] as const) {
      const server = revokedAfterLoad(refusal);
      server.revoke();
      const view = renderApp({ path: '/products', session: { token: TOKEN, username: 'alice' }, handler: server.handler });
      const again = await screen.findByRole('dialog', { name: 'Sign in again' });
      expect(again.textContent).toContain(reason);
      view.unmount();
    }
  });

  it('shows a throttled sign-in in plain words', async () => {
    const user = userEvent.setup();
    renderApp({ path: '/login', handler: () => ({ status: 429, body: { detail: 'Request was throttled. Expected available in 240 seconds.' } }) });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Username')));
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password', { selector: 'input' }), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Too many sign-in attempts. Try again in 4 minutes.')).toBeTruthy();
  });
});
