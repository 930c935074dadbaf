// Token keys: format, digest, and the sealed copy that lets login return the same key.
import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTokenSealer, digestKey, generateKey, TOKEN_KEY_PATTERN } from '../../src/auth/tokens.js';
import { keyFromAuthorizationHeader, tokenUserQuery } from '../../src/auth/schemes.js';
import { createTestDatabase } from '../helpers/database.js';

describe('token keys', () => {
  it('are 40 lowercase hex characters, different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, generateKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(TOKEN_KEY_PATTERN);
  });

  it('are stored as SHA-256 digests', () => {
    expect(digestKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('seal and open with the same secret, and not with another', () => {
    const key = generateKey();
    const digest = digestKey(key);
    const sealer = createTokenSealer('a secret key that is long enough for tests');
    const sealed = sealer.seal(key, digest);
    expect(sealed).not.toContain(key);
    expect(sealer.open(sealed, digest)).toBe(key);
    expect(createTokenSealer('another secret key that is long enough!!').open(sealed, digest)).toBeNull();
    expect(sealer.open(sealed, digestKey(generateKey()))).toBeNull();
    expect(sealer.open(`${sealed.slice(0, -2)}AA`, digest)).toBeNull();
    expect(sealer.open('garbage', digest)).toBeNull();
  });
});

describe('keyFromAuthorizationHeader', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['Bearer abc', null],
    ['Token abc', 'abc'],
    ['tOkEn\tabc', 'abc'],
    ['Token\u000babc', 'abc'],
  ])('%j -> %j', (header, key) => {
    expect(keyFromAuthorizationHeader(header, 'Token', 'Token')).toBe(key);
  });
});

describe('the token lookup on SQLite', () => {
  // better-sqlite3 is built with SQLITE_ENABLE_STAT4. Once ANALYZE has gathered samples of
  // the digest index, a plain `key_digest = ?` would be re-planned at every new binding,
  // i.e. on every request; the lookup's parameter is written so that it plans once
  // (Db.planStableValue), and must still plan by the covering index.
  it('plans by the covering index even after ANALYZE has sampled it', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const { kysely } = database.db;
      const users = Array.from({ length: 300 }, (_, index) => ({
        id: index + 1, password: '!', is_superuser: false, username: `user${index}`, first_name: '', last_name: '',
        email: '', is_staff: false, is_active: true, date_joined: '2026-01-01 00:00:00.000000',
      }));
      await kysely.insertInto('auth_user').values(users).execute();
      await kysely.insertInto('tessera_token').values(users.map((user) => ({
        user_id: user.id, key_digest: digestKey(generateKey()), key_sealed: 'x', created: '2026-01-01 00:00:00.000000',
      }))).execute();
      await sql`analyze`.execute(kysely);
      const sampled = await sql<{ samples: number }>`select count(*) as samples from sqlite_stat4 where idx = 'tessera_token_lookup_idx'`.execute(kysely);
      expect(sampled.rows[0]!.samples).toBeGreaterThan(0);

      const lookup = tokenUserQuery(database.db).compile();
      expect(lookup.sql).toContain('= +?');
      const plan = await kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${lookup.sql}`, [digestKey('x')]));
      expect(plan.rows.map((row) => row.detail)).toEqual([
        'SEARCH tessera_token USING COVERING INDEX tessera_token_lookup_idx (key_digest=?)',
        'SEARCH auth_user USING INTEGER PRIMARY KEY (rowid=?)',
      ]);
      const [user] = users.slice(-1);
      const key = generateKey();
      await kysely.updateTable('tessera_token').set({ key_digest: digestKey(key) }).where('user_id', '=', user!.id).execute();
      const found = await kysely.executeQuery<{ username: string }>(CompiledQuery.raw(lookup.sql, [digestKey(key)]));
      expect(found.rows.map((row) => row.username)).toEqual([user!.username]);
    } finally {
      await database.drop();
    }
  });
});
