// A fresh Tessera database for one test: SQLite in memory, or a PostgreSQL database with a
// random name on the server of TEST_POSTGRES_URL (127.0.0.1:5432), dropped after. A database
// rather than a schema in a shared one, as examples/notes does: Kysely's Migrator looks for
// its tables in every schema it can see, so another suite's schemas on the same database
// (running at the same time, or left over from a crash) would make it skip creating its own.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type DatabaseConfig, type Db } from 'tessera';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: Dialect[] = (process.env.TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .filter((name): name is Dialect => name === 'sqlite' || name === 'postgres');

export interface TestDatabase {
  readonly db: Db;
  drop(): Promise<void>;
}

async function onServer(statement: string): Promise<void> {
  const admin = openDatabase({ dialect: 'postgres', url: POSTGRES_URL, schema: undefined });
  try {
    await sql.raw(statement).execute(admin.kysely);
  } finally {
    await admin.close();
  }
}

/** A database with Tessera's migrations applied, as the app's main.ts does. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  let config: DatabaseConfig;
  let dropDatabase = async (): Promise<void> => {};
  if (dialect === 'sqlite') {
    config = { dialect: 'sqlite', path: ':memory:' };
  } else {
    const name = `fastify_plugin_test_${randomBytes(6).toString('hex')}`;
    await onServer(`create database ${name}`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    config = { dialect: 'postgres', url: url.href };
    dropDatabase = () => onServer(`drop database ${name} with (force)`);
  }
  const db = openDatabase(config);
  await migrateToLatest(db.kysely);
  return {
    db,
    async drop() {
      await db.close();
      await dropDatabase();
    },
  };
}
