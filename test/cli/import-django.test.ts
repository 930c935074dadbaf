// `tessera import-django`: a Django 3.2 + DRF database (SQLite, as Django wrote it; and a
// PostgreSQL one) into an empty Tessera database on each dialect. Afterwards every client
// keeps its token and every user their password.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { importDjangoCommand, normalizePrice, normalizeTimestamp } from '../../src/cli/import-django.js';
import { createPgPool } from '../../src/db/connect.js';
import { testConfig } from '../helpers/app.js';
import { CLI_TEST_SECRET_KEY, commandContext } from '../helpers/cli.js';
import { createTestDatabase, DIALECTS, POSTGRES_URL, type TestDatabase } from '../helpers/database.js';
import { PROJECT_ROOT } from '../helpers/server.js';

const run = promisify(execFile);

const FIXTURE = readFileSync(new URL('../fixtures/django-3.2-sqlite.sql', import.meta.url), 'utf8');
const MAMUN_KEY = 'c4b8cde81795c684f6e428bf5926437229a5bc3d';
const SLEEPY_KEY = '2155c55a2afa2741d665a4522594585312146561';
const BOSS_KEY = '3563e0f8dd7a0ed633857966d879d9f5166a1582';

let dir: string;

/** A Django SQLite file made from the fixture, changed by `extra` SQL if given. */
function djangoSqlite(extra = ''): string {
  const path = join(dir, `django-${Math.random().toString(36).slice(2)}.sqlite3`);
  const db = new SQLite(path);
  db.exec(FIXTURE + extra);
  db.close();
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-import-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(DIALECTS)('import-django into %s', (dialect) => {
  let target: TestDatabase;
  beforeEach(async () => {
    target = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await target.drop();
  });

  async function appOnTarget() {
    const app = await buildApp({ config: testConfig({ database: target.config, secretKey: CLI_TEST_SECRET_KEY }), db: target.db });
    await app.ready();
    return app;
  }

  it('copies users, tokens and products; every client keeps its key and password', async () => {
    const { ctx, out } = commandContext(target);
    const source = djangoSqlite();
    const counts = await importDjangoCommand(ctx, source, { dryRun: false });
    expect(counts).toEqual({ users: 3, tokens: 3, products: 3 });
    expect(out()).toBe(`Imported 3 users, 3 tokens, 3 products from ${source} (products from accounts_product).\n`);

    const app = await appOnTarget();
    try {
      const list = await app.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${MAMUN_KEY}` } });
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual([
        { id: 1, name: 'Pen', description: 'Blue ink', price: '12.50', created_at: '2026-11-28T18:12:33.894853Z' },
        // Django stored a REAL on SQLite and reads it back quantized; so does the import.
        { id: 2, name: 'Desk', description: '', price: '99999999.99', created_at: '2026-11-28T18:12:33.896623Z' },
        { id: 3, name: 'Free', description: 'ü\u2028', price: '0.00', created_at: '2026-11-28T18:12:33.898241Z' },
      ]);

      // Django's pbkdf2 hash verifies, and login hands back the same key DRF issued.
      const login = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username: 'mamun', password: '12345mamun' } });
      expect(login.json()).toEqual({ token: MAMUN_KEY });
      const inactive = await app.inject({ method: 'GET', url: '/api/products/', headers: { authorization: `Token ${SLEEPY_KEY}` } });
      expect(inactive.json()).toEqual({ detail: 'User inactive or deleted.' });
      const admin = await app.inject({ method: 'GET', url: '/api/admin/', headers: { authorization: `Token ${BOSS_KEY}` } });
      expect(admin.json().me).toEqual({ id: 3, username: 'boss', is_superuser: true });

      // New rows get ids after the imported ones (PostgreSQL's sequences were moved on).
      const created = await app.inject({ method: 'POST', url: '/api/products/', headers: { authorization: `Token ${MAMUN_KEY}` }, payload: { name: 'Ink', price: '2' } });
      expect(created.json().id).toBe(4);
      const user = await target.db.kysely.insertInto('auth_user').values({
        password: '!', username: 'newbie', first_name: '', last_name: '', email: '', is_active: true, is_staff: false, is_superuser: false, date_joined: '2026-11-29 00:00:00.000000', last_login: null,
      }).returning('id').executeTakeFirstOrThrow();
      expect(user.id).toBe(4);
    } finally {
      await app.close();
    }
    // The keys themselves are not in the database.
    const stored = JSON.stringify(await target.db.kysely.selectFrom('tessera_token').selectAll().execute());
    expect(stored).not.toContain(MAMUN_KEY);
  });

  it('refuses a target that is not empty, writing nothing', async () => {
    const { ctx } = commandContext(target);
    await importDjangoCommand(ctx, djangoSqlite(), { dryRun: false });
    await expect(importDjangoCommand(ctx, djangoSqlite(), { dryRun: false })).rejects.toThrow(
      'The target database is not empty: auth_user has 3 rows, tessera_token has 3 rows, product has 3 rows. Import into a fresh database.',
    );
    const users = await target.db.kysely.selectFrom('auth_user').select('id').execute();
    expect(users).toHaveLength(3);
  });

  it('refuses a price that does not fit, naming the row, and writes nothing', async () => {
    const { ctx } = commandContext(target);
    const source = djangoSqlite("UPDATE accounts_product SET price = '123456789012.5' WHERE id = 3;");
    await expect(importDjangoCommand(ctx, source, { dryRun: false })).rejects.toThrow(
      // SQLite's decimal affinity made the text a REAL, as Django's own writes do.
      'product 3 (Free) price: 123456789012.50 does not fit a price (Ensure that there are no more than 10 digits in total.)',
    );
    expect(await target.db.kysely.selectFrom('auth_user').select('id').execute()).toEqual([]);
  });

  it('checks everything and writes nothing with --dry-run', async () => {
    const { ctx, out } = commandContext(target);
    const source = djangoSqlite();
    await importDjangoCommand(ctx, source, { dryRun: true });
    expect(out()).toBe(`Would import 3 users, 3 tokens, 3 products from ${source} (products from accounts_product). Nothing was written (--dry-run).\n`);
    expect(await target.db.kysely.selectFrom('tessera_token').select('id').execute()).toEqual([]);
  });

  it('says what is wrong with a source that is not a Django database', async () => {
    const { ctx } = commandContext(target);
    const empty = join(dir, 'empty.sqlite3');
    new SQLite(empty).close();
    await expect(importDjangoCommand(ctx, empty, { dryRun: false })).rejects.toThrow(
      'The source has no auth_user table: is it a Django database with rest_framework.authtoken?',
    );
    await expect(importDjangoCommand(ctx, join(dir, 'missing.sqlite3'), { dryRun: false })).rejects.toThrow('Cannot open the source database');
    await expect(importDjangoCommand(ctx, djangoSqlite(), { dryRun: false, productTable: 'shop_item' })).rejects.toThrow('The source has no table shop_item');
  });
});

describe.skipIf(!DIALECTS.includes('postgres'))('import-django from PostgreSQL', () => {
  const schema = `django_src_${Math.random().toString(36).slice(2, 10)}`;
  let target: TestDatabase;

  beforeEach(async () => {
    const pool = createPgPool(POSTGRES_URL, { max: 1 });
    try {
      // Django 3.2's own DDL for these tables on PostgreSQL.
      await pool.query(`
        create schema ${schema};
        set search_path = ${schema};
        create table auth_user (id serial primary key, password varchar(128) not null, last_login timestamptz null,
          is_superuser boolean not null, username varchar(150) not null unique, first_name varchar(150) not null,
          last_name varchar(150) not null, email varchar(254) not null, is_staff boolean not null, is_active boolean not null,
          date_joined timestamptz not null);
        create table authtoken_token (key varchar(40) primary key, created timestamptz not null,
          user_id integer not null unique references auth_user (id));
        create table shop_product (id bigserial primary key, name varchar(255) not null, description text not null,
          price numeric(10, 2) not null, created_at timestamptz not null);
        insert into auth_user values (7, 'pbkdf2_sha256$260000$EIfL5qEitt7vipL6h6YE0v$GGsfBXeLBhevo78XCxWkLA2TLmbjGQ1jGDYGVX0qpgE=',
          '2026-11-20 10:00:00.5+02', false, 'mamun', 'Mamun', 'Rahman', 'mamun@example.com', false, true, '2026-11-01 09:30:00+00');
        insert into authtoken_token values ('${MAMUN_KEY}', '2026-11-01 09:31:00.123456+00', 7);
        insert into shop_product values (41, 'Lamp', 'Warm', 39.90, '2026-11-02 12:00:00+00');
      `);
    } finally {
      await pool.end();
    }
    target = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await target.drop();
    const pool = createPgPool(POSTGRES_URL, { max: 1 });
    try {
      await pool.query(`drop schema ${schema} cascade`);
    } finally {
      await pool.end();
    }
  });

  it('reads timestamptz, numeric and boolean columns exactly', async () => {
    const { ctx } = commandContext(target);
    const counts = await importDjangoCommand(ctx, `${POSTGRES_URL}?schema=${schema}`, { dryRun: false });
    expect(counts).toEqual({ users: 1, tokens: 1, products: 1 });
    const user = await target.db.kysely.selectFrom('auth_user').selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({ id: 7, username: 'mamun', last_login: '2026-11-20 08:00:00.500000', date_joined: '2026-11-01 09:30:00.000000', is_active: 1, is_staff: 0 });
    const product = await target.db.kysely.selectFrom('product').selectAll().executeTakeFirstOrThrow();
    expect(product).toMatchObject({ id: 41, price: '39.90', created_at: '2026-11-02 12:00:00.000000' });

    const app = await buildApp({ config: testConfig({ database: target.config, secretKey: CLI_TEST_SECRET_KEY }), db: target.db });
    try {
      const detail = await app.inject({ method: 'GET', url: '/api/products/41/', headers: { authorization: `Token ${MAMUN_KEY}` } });
      expect(detail.json()).toEqual({ id: 41, name: 'Lamp', description: 'Warm', price: '39.90', created_at: '2026-11-02T12:00:00Z' });
    } finally {
      await app.close();
    }
  });
});

describe('tessera import-django (the binary)', () => {
  it('imports into DATABASE_URL and refuses a second import with exit code 1', async () => {
    const source = djangoSqlite();
    const env = { ...process.env, DATABASE_URL: join(dir, 'tessera.sqlite3'), SECRET_KEY: 'x'.repeat(40) };
    await run(process.execPath, ['bin/tessera.js', 'migrate'], { cwd: PROJECT_ROOT, env });
    const first = await run(process.execPath, ['bin/tessera.js', 'import-django', source], { cwd: PROJECT_ROOT, env });
    expect(first.stdout).toBe(`Imported 3 users, 3 tokens, 3 products from ${source} (products from accounts_product).\n`);
    const again = await run(process.execPath, ['bin/tessera.js', 'import-django', source], { cwd: PROJECT_ROOT, env }).catch((error) => error);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^Database: .*\nCommandError: The target database is not empty/);
  });
});

describe('value conversions', () => {
  it('normalizes Django timestamps and prices', () => {
    expect(normalizeTimestamp('2026-11-28 18:12:33.894853', 'x')).toBe('2026-11-28 18:12:33.894853');
    expect(normalizeTimestamp('2026-11-28T18:12:33Z', 'x')).toBe('2026-11-28 18:12:33.000000');
    expect(normalizeTimestamp('2026-11-28 01:00:00.25-0530', 'x')).toBe('2026-11-28 06:30:00.250000');
    expect(() => normalizeTimestamp('yesterday', 'user x date_joined')).toThrow('user x date_joined: "yesterday" is not a date and time');
    expect(normalizePrice(12.5, 'x')).toBe('12.50');
    expect(normalizePrice(99999999.989999994636, 'x')).toBe('99999999.99');
    expect(normalizePrice('0.10', 'x')).toBe('0.10');
    expect(() => normalizePrice(Number.NaN, 'p')).toThrow('p: NaN is not a valid price');
  });
});
