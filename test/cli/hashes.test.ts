// `tessera hashes upgrade` on hashes Django made (test/fixtures/django-password-hashes.json):
// imported pbkdf2 and scrypt hashes are wrapped in argon2id, each user keeps their password,
// and the next login re-hashes to the plain current format.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fixtures from '../fixtures/django-password-hashes.json' with { type: 'json' };
import { buildApp } from '../../src/app.js';
import { needsRehash, unusablePassword, verifyPassword } from '../../src/auth/passwords.js';
import { findUserByUsername, insertUser } from '../../src/auth/users.js';
import { upgradeHashesCommand } from '../../src/cli/hashes.js';
import { testConfig } from '../helpers/app.js';
import { commandContext } from '../helpers/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';

const { hashes, password } = fixtures;
const UNUSABLE = unusablePassword();
const USERS: Record<string, string> = {
  p256: hashes.pbkdf2_sha256,
  p1: hashes.pbkdf2_sha1,
  scr: hashes.scrypt,
  bc: hashes.bcrypt_sha256,
  cur: hashes.argon2_current,
  none: UNUSABLE,
};

describe.each(DIALECTS)('hashes upgrade on %s', (dialect) => {
  let target: TestDatabase;
  beforeEach(async () => {
    target = await createTestDatabase(dialect);
    for (const [username, passwordHash] of Object.entries(USERS)) {
      await insertUser(target.db.kysely, { username, passwordHash, is_active: true, is_staff: false, is_superuser: false });
    }
  });
  afterEach(async () => {
    await target.drop();
  });

  const hashOf = async (username: string) => (await findUserByUsername(target.db.kysely, username))!.password;

  it('wraps pbkdf2 and scrypt hashes, keeps every password, and leaves the others', async () => {
    const { ctx, out } = commandContext(target);
    await upgradeHashesCommand(ctx);
    expect(out()).toBe(
      'Wrapped 3 password hashes in argon2id (pbkdf2_sha1$260000: 1, pbkdf2_sha256$260000: 1, scrypt$16384$8$1: 1).\n'
      + "Left as they are, re-hashed at each user's next login: bcrypt_sha256$$2b$12: 1.\n");
    for (const username of ['p256', 'p1', 'scr']) {
      const wrapped = await hashOf(username);
      const old = USERS[username]!;
      expect(wrapped).toMatch(new RegExp(`^argon2_wrapped\\$${old.slice(0, old.lastIndexOf('$')).replaceAll('$', '\\$')}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
      expect(wrapped.length).toBeLessThanOrEqual(128); // Django's auth_user.password
      expect(wrapped).not.toContain(old.slice(old.lastIndexOf('$') + 1));
      expect(await verifyPassword(password, wrapped)).toBe(true);
      expect(await verifyPassword(`${password}x`, wrapped)).toBe(false);
    }
    expect(await hashOf('bc')).toBe(hashes.bcrypt_sha256);
    expect(await hashOf('cur')).toBe(hashes.argon2_current);
    expect(await hashOf('none')).toBe(UNUSABLE);

    const again = commandContext(target);
    await upgradeHashesCommand(again.ctx);
    expect(again.out()).toBe("No password hashes to upgrade.\nLeft as they are, re-hashed at each user's next login: bcrypt_sha256$$2b$12: 1.\n");
  });

  it('a wrapped hash logs in, and the login re-hashes it to the plain current format', async () => {
    await upgradeHashesCommand(commandContext(target).ctx);
    const app = await buildApp({ config: testConfig({ database: target.config }), db: target.db });
    try {
      const login = (pw: string) => app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'p256', password: pw } });
      expect((await login(`${password}x`)).statusCode).toBe(400);
      expect(needsRehash(await hashOf('p256'))).toBe(true);
      expect((await login(password)).statusCode).toBe(200);
      const rehashed = await hashOf('p256');
      expect(rehashed).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$/);
      expect(await verifyPassword(password, rehashed)).toBe(true);
    } finally {
      await app.close();
    }
  });
});
