// Django's password formats, checked against hashes that Django itself made
// (test/fixtures/django-password-hashes.json, from ../shared/reference's Django 3.2).
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/django-password-hashes.json' with { type: 'json' };
import { hashPassword, needsRehash, unusablePassword, verifyPassword } from '../../src/auth/passwords.js';

describe('Django password hashes', () => {
  it.each(Object.entries(fixtures.hashes).filter(([name]) => !name.endsWith('_unicode')))('verifies %s made by Django', async (_name, encoded) => {
    expect(await verifyPassword(fixtures.password, encoded)).toBe(true);
    expect(await verifyPassword(`${fixtures.password}x`, encoded)).toBe(false);
  });

  it('verifies a non-ASCII password', async () => {
    expect(await verifyPassword(fixtures.unicode_password, fixtures.hashes.pbkdf2_sha256_unicode)).toBe(true);
  });

  it('writes argon2id in Django\'s format, which Django-style verification accepts', async () => {
    const encoded = await hashPassword('hunter2 hunter2');
    expect(encoded).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword('hunter2 hunter2', encoded)).toBe(true);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('asks to re-hash every other format and parameter set', () => {
    expect(needsRehash(fixtures.hashes.pbkdf2_sha256)).toBe(true);
    expect(needsRehash(fixtures.hashes.bcrypt_sha256)).toBe(true);
    expect(needsRehash('argon2$argon2id$v=19$m=512,t=2,p=2$c2FsdA$aGFzaA')).toBe(true);
  });

  it.each([
    ['unusable', unusablePassword()],
    ['empty', ''],
    ['unknown algorithm', 'md5$salt$abc'],
    ['garbage pbkdf2', 'pbkdf2_sha256$notanumber$salt$hash'],
    ['huge iterations', 'pbkdf2_sha256$999999999999$salt$hash'],
    ['garbage argon2', 'argon2$argon2id$nonsense'],
    ['garbage bcrypt', 'bcrypt_sha256$$2b$12$short'],
    ['garbage scrypt', 'scrypt$abc$salt$8$1$hash'],
  ])('never matches %s, and never throws', async (_name, encoded) => {
    expect(await verifyPassword('anything', encoded)).toBe(false);
  });
});
