// Migrations on PostgreSQL keep their bookkeeping in the connection's own schema: another
// schema of the same database holding Tessera's migration tables (a second Tessera, or a
// test run that was killed half-way) must not make this one skip creating its own.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPgPool } from '../../src/db/connect.js';
import { createTestDatabase, DIALECTS, POSTGRES_URL, type TestDatabase } from '../helpers/database.js';

describe.runIf(DIALECTS.includes('postgres'))('migrations on PostgreSQL', () => {
  const stray = `tessera_stray_${randomBytes(6).toString('hex')}`;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    const pool = createPgPool(POSTGRES_URL, { max: 1 });
    await pool.query(`drop schema if exists ${stray} cascade`);
    await pool.end();
  });

  it("apply in a fresh schema when another schema has only a half of Tessera's migration tables", async () => {
    const pool = createPgPool(POSTGRES_URL, { max: 1 });
    await pool.query(`create schema ${stray}`);
    await pool.query(`create table ${stray}.tessera_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`);
    await pool.end();
    database = await createTestDatabase('postgres');
    const tables = await database.db.kysely.introspection.getTables({ withInternalKyselyTables: true });
    expect(tables.filter((table) => table.schema === (database!.config as { schema: string }).schema).map((table) => table.name)).toEqual(
      expect.arrayContaining(['tessera_migration', 'tessera_migration_lock', 'auth_user', 'product']),
    );
  });
});
