import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deferred, renderApp, TOKEN } from '../test/helpers.tsx';
import type { FakeResponse } from '../test/helpers.tsx';

function products(): FakeResponse {
  return { status: 200, body: [] };
}

describe('LoginPage', () => {
  it('sends a visitor to the login page with labelled fields', async () => {
    renderApp({ path: '/', handler: products });
    await waitFor(() => expect(window.location.pathname).toBe('/login'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in');
    expect(screen.getByLabelText('Username').getAttribute('autocomplete')).toBe('username');
    expect(screen.getByLabelText('Password').getAttribute('type')).toBe('password');
    expect((screen.getByLabelText('Remember me') as HTMLInputElement).checked).toBe(false);
    await waitFor(() => expect(document.title).toBe('Sign in · Tessera'));
  });

  it('shows non_field_errors above the form and focuses them', async () => {
    const user = userEvent.setup();
    const { server } = renderApp({
      path: '/login',
      handler: () => ({ status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } }),
    });
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByText('Unable to log in with provided credentials.');
    expect(alert.closest('[role="alert"]')).not.toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(alert.closest('[role="alert"]')));
    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: '/api/token-auth/',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: { username: 'alice', password: 'wrong' },
      },
    ]);
  });

  it('shows each field’s message beside it, marks it invalid, and focuses the first', async () => {
    const user = userEvent.setup();
    renderApp({
      path: '/login',
      handler: () => ({
        status: 400,
        body: { username: ['This field may not be blank.'], password: ['This field is required.'] },
      }),
    });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const username = screen.getByLabelText('Username');
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'));
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(username.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'This field may not be blank.',
    );
    expect(document.getElementById(password.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'This field is required.',
    );
    await waitFor(() => expect(document.activeElement).toBe(username));
  });

  it('disables the button while the request is in flight', async () => {
    const user = userEvent.setup();
    const answer = deferred<FakeResponse>();
    renderApp({ path: '/login', handler: () => answer.promise });
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'alicepass123');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const button = screen.getByRole('button', { name: 'Signing in…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    answer.resolve({ status: 400, body: { non_field_errors: ['Unable to log in with provided credentials.'] } });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false));
  });

  it('keeps the token in sessionStorage without “remember me”, then opens the products page', async () => {
    const user = userEvent.setup();
    renderApp({
      path: '/login',
      handler: (request) => (request.url === '/api/token-auth/' ? { status: 200, body: { token: TOKEN } } : products()),
    });
    await user.type(screen.getByLabelText('Username'), ' alice ');
    await user.type(screen.getByLabelText('Password'), 'alicepass123');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { level: 1, name: 'Products' });
    expect(window.location.pathname).toBe('/products');
    expect(window.sessionStorage.getItem('tessera.token')).toBe(TOKEN);
    expect(window.localStorage.getItem('tessera.token')).toBeNull();
    // The username is stored trimmed, as the server reads it.
    expect(screen.getByText('Signed in as').parentElement?.textContent).toBe('Signed in as alice');
  });

  it('keeps the token in localStorage with “remember me”', async () => {
    const user = userEvent.setup();
    renderApp({
      path: '/login',
      handler: (request) => (request.url === '/api/token-auth/' ? { status: 200, body: { token: TOKEN } } : products()),
    });
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'alicepass123');
    await user.click(screen.getByLabelText('Remember me'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { level: 1, name: 'Products' });
    expect(window.localStorage.getItem('tessera.token')).toBe(TOKEN);
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
  });

  it('returns to the page asked for, but never to another site', async () => {
    const user = userEvent.setup();
    renderApp({
      path: '/login?next=%2F%2Fevil.example%2F',
      handler: (request) => (request.url === '/api/token-auth/' ? { status: 200, body: { token: TOKEN } } : products()),
    });
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'alicepass123');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(window.location.pathname).toBe('/products'));
  });

  it('shows or hides the password', async () => {
    const user = userEvent.setup();
    renderApp({ path: '/login', handler: products });
    const toggle = screen.getByRole('button', { name: 'Show password' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    await user.click(toggle);
    expect(screen.getByLabelText('Password').getAttribute('type')).toBe('text');
    expect(screen.getByRole('button', { name: 'Hide password' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('sends a signed-in user on to the products page', async () => {
    renderApp({ path: '/login', handler: products, session: { token: TOKEN, username: 'alice' } });
    await screen.findByRole('heading', { level: 1, name: 'Products' });
    expect(window.location.pathname).toBe('/products');
  });
});
