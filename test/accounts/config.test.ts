// The accounts' settings: defaults, and a clear refusal of bad values.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const BASE = { SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789' };

describe('accounts configuration', () => {
  it('defaults to sign-up on, .eml files in data/outbox, djoser\'s site settings and 5 e-mails an hour per address', () => {
    expect(loadConfig(BASE, '/srv/app').accounts).toEqual({
      registration: true,
      emailUrl: null,
      outbox: '/srv/app/data/outbox',
      from: 'webmaster@localhost',
      siteName: 'Tessera',
      domain: null,
      passwordResetTimeoutSeconds: 259_200,
      requestsAllowed: 5,
      throttleWindowSeconds: 3600,
    });
  });

  it('reads every variable', () => {
    const accounts = loadConfig({
      ...BASE, REGISTRATION: 'false', EMAIL_URL: 'smtp://u:p@mail.example.com:587', EMAIL_OUTBOX: '/tmp/out', EMAIL_FROM: 'noreply@example.com',
      SITE_NAME: 'Shop', SITE_DOMAIN: 'shop.example.com', PASSWORD_RESET_TIMEOUT: '3600', ACCOUNT_REQUESTS_ALLOWED: '1000', ACCOUNT_THROTTLE_WINDOW: '60',
    }, '/srv/app').accounts;
    expect(accounts).toEqual({
      registration: false, emailUrl: 'smtp://u:p@mail.example.com:587', outbox: '/tmp/out', from: 'noreply@example.com', siteName: 'Shop',
      domain: 'shop.example.com', passwordResetTimeoutSeconds: 3600, requestsAllowed: 1000, throttleWindowSeconds: 60,
    });
  });

  it.each([
    [{ EMAIL_URL: 'http://mail.example.com' }, /EMAIL_URL must be smtp:\/\//],
    [{ EMAIL_URL: 'not a url' }, /EMAIL_URL must be smtp:\/\//],
    [{ REGISTRATION: 'maybe' }, /REGISTRATION must be true or false/],
    [{ SITE_DOMAIN: 'http://x/' }, /SITE_DOMAIN must be a host/],
    [{ ACCOUNT_REQUESTS_ALLOWED: '-1' }, /ACCOUNT_REQUESTS_ALLOWED must be a whole number/],
    [{ PASSWORD_RESET_TIMEOUT: '0' }, /PASSWORD_RESET_TIMEOUT must be between/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({ ...BASE, ...env }, '/srv/app')).toThrow(message);
  });
});
