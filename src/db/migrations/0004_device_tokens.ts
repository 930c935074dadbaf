// Frozen in time: this migration must not import application code.
// Per-device tokens (TOKEN_MODE=per-device): many per user, each with a name and an
// optional expiry. Only the SHA-256 digest is kept: the key is shown once, at login,
// and never needs to be shown again, so there is no sealed copy.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const timestamp = postgres ? 'timestamptz' : 'text';
  await db.schema
    .createTable('tessera_device_token')
    .addColumn('id', sql.raw(postgres ? 'bigserial' : 'integer'), (col) => col.primaryKey().notNull())
    .addColumn('user_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('key_digest', 'char(64)', (col) => col.notNull().unique())
    .addColumn('name', 'varchar(200)', (col) => col.notNull())
    .addColumn('created', sql.raw(timestamp), (col) => col.notNull())
    .addColumn('expires', sql.raw(timestamp))
    .execute();
  await db.schema.createIndex('tessera_device_token_user_idx').on('tessera_device_token').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tessera_device_token').execute();
}
