// Fresh databases for tests, on every dialect CI runs: SQLite in memory, and PostgreSQL
// (127.0.0.1:5432, or TEST_POSTGRES_URL) in a schema with a random name, dropped after.
// TEST_DATABASES=sqlite runs SQLite alone (never in CI: there both must run).
import { randomBytes } from 'node:crypto';
import type { Migration } from 'kysely';
import type { DatabaseConfig } from '../../src/config.js';
import { createPgPool, openDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export type TestDialect = 'sqlite' | 'postgres';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const DIALECTS: TestDialect[] = (() => {
  const wanted = (process.env.TEST_DATABASES ?? 'sqlite,postgres').split(',').map((name) => name.trim());
  if (process.env.CI === 'true' && !wanted.includes('postgres')) {
    throw new Error('CI runs the suite on SQLite and PostgreSQL; do not set TEST_DATABASES there');
  }
  return wanted.filter((name): name is TestDialect => name === 'sqlite' || name === 'postgres');
})();

export interface TestDatabase {
  readonly db: Db;
  readonly config: DatabaseConfig;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** A project's migrations, run with Tessera's. */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** Every SQL statement SQLite runs (better-sqlite3's verbose). */
  readonly trace?: (sql: string) => void;
}

/**
 * Migrates a test's schema. Kysely's Migrator first introspects every schema of the
 * database (PostgresIntrospector.getTables calls pg_get_serial_sequence on each table), so
 * a schema another test drops at that moment fails it with "schema/relation … does not
 * exist" naming the other schema. That is a race between tests, not a failure of this
 * one: it is tried again, a few times.
 */
async function migrateBesideOtherTests(db: Db, schema: string, migrations: TestDatabaseOptions['migrations']): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(db.kysely, migrations);
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Other tests' drops show as "… does not exist", naming their schema or (a column
      // dropped by a migrateDown) none. The migrations run in one transaction, so a retry
      // starts clean; a real fault of this schema's migrations fails all five attempts.
      const othersDropped = /does not exist/.test(message) && !message.includes(schema);
      if (!othersDropped || attempt === 5) throw error;
    }
  }
}

/** A migrated, empty database of the dialect; drop() closes and removes it. */
export async function createTestDatabase(dialect: TestDialect, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const config: DatabaseConfig = { dialect: 'sqlite', path: ':memory:' };
    const db = openDatabase(config, { trace: options.trace });
    await migrateToLatest(db.kysely, options.migrations);
    return { db, config, drop: () => db.close() };
  }
  const schema = `tessera_test_${randomBytes(6).toString('hex')}`;
  const admin = createPgPool(POSTGRES_URL, { max: 1 });
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const config: DatabaseConfig = { dialect: 'postgres', url: POSTGRES_URL, schema };
  const db = openDatabase(config);
  await migrateBesideOtherTests(db, schema, options.migrations);
  return {
    db,
    config,
    async drop() {
      await db.close();
      const cleanup = createPgPool(POSTGRES_URL, { max: 1 });
      try {
        await cleanup.query(`drop schema ${schema} cascade`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
