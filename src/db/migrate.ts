// Kysely's Migrator over a static list: migrations ship inside the build, so `tessera
// migrate` and `npm start` work from any folder. The Migrator reports instead of throwing;
// migrateToLatest() turns a failure into one clear error.
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import * as m0001 from './migrations/0001_create_users_tokens_products.js';
import * as m0002 from './migrations/0002_audit_log.js';
import * as m0003 from './migrations/0003_token_lookup_index.js';
import * as m0004 from './migrations/0004_device_tokens.js';
import * as m0005 from './migrations/0005_token_blacklist.js';
import * as m0006 from './migrations/0006_email_outbox.js';
import { DatabaseUnavailableError } from './connect.js';
import type { Database } from './database.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001_create_users_tokens_products': m0001,
  '0002_audit_log': m0002,
  '0003_token_lookup_index': m0003,
  '0004_device_tokens': m0004,
  '0005_token_blacklist': m0005,
  '0006_email_outbox': m0006,
};

/** Tessera's migrations and a project's, which may not reuse a name. */
function providerWith(extra: Readonly<Record<string, Migration>>): MigrationProvider {
  for (const name of Object.keys(extra)) {
    if (Object.hasOwn(MIGRATIONS, name)) throw new MigrationError(`The project's migration ${name} has the name of one of Tessera's`);
  }
  const all = { ...MIGRATIONS, ...extra };
  return {
    async getMigrations() {
      return all;
    },
  };
}

/**
 * The Migrator for Tessera's and a project's migrations. On PostgreSQL its bookkeeping
 * tables live in the connection's own schema (the first on its search_path): Kysely,
 * told no schema, takes a `tessera_migration` table in *any* schema for its own, so a
 * second Tessera in another schema of the same database (tests, tenants) would skip
 * creating its tables and fail.
 */
export async function createMigrator(db: Kysely<Database>, extra: Readonly<Record<string, Migration>> = {}): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({
    db,
    provider: providerWith(extra),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
    migrationTableName: 'tessera_migration',
    migrationLockTableName: 'tessera_migration_lock',
    // A database that ran a later migration before an earlier one was added (0004 landed
    // before 0003) still takes the earlier one; each migration stands alone.
    allowUnorderedMigrations: true,
  });
}

export class MigrationError extends Error {}

/** Applies every pending migration (Tessera's and the project's); returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>, extra: Readonly<Record<string, Migration>> = {}): Promise<string[]> {
  const { error, results } = await (await createMigrator(db, extra)).migrateToLatest();
  if (error !== undefined) {
    // A server that cannot be reached is not a failed migration: say which server, and why.
    if (error instanceof DatabaseUnavailableError) throw error;
    const failed = results?.find((result: MigrationResult) => result.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Names of migrations that exist but are not applied yet. */
export async function pendingMigrations(db: Kysely<Database>, extra: Readonly<Record<string, Migration>> = {}): Promise<string[]> {
  const migrations = await (await createMigrator(db, extra)).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}
