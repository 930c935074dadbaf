// Frozen in time: this migration must not import application code. It makes the same
// schema on SQLite and PostgreSQL; where the types differ it says why.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? 'bigserial' : 'integer';
  const boolean = postgres ? 'boolean' : 'integer';
  // Timestamps: timestamptz on PostgreSQL; on SQLite, Django's own text format
  // ("2026-11-28 14:51:16.620289", UTC), which sorts correctly as text.
  const timestamp = postgres ? 'timestamptz' : 'text';

  await db.schema
    .createTable('auth_user')
    .addColumn('id', sql.raw(id), (col) => col.primaryKey().notNull())
    .addColumn('password', 'varchar(128)', (col) => col.notNull())
    .addColumn('last_login', sql.raw(timestamp))
    .addColumn('is_superuser', sql.raw(boolean), (col) => col.notNull())
    .addColumn('username', 'varchar(150)', (col) => col.notNull().unique())
    .addColumn('first_name', 'varchar(150)', (col) => col.notNull())
    .addColumn('last_name', 'varchar(150)', (col) => col.notNull())
    .addColumn('email', 'varchar(254)', (col) => col.notNull())
    .addColumn('is_staff', sql.raw(boolean), (col) => col.notNull())
    .addColumn('is_active', sql.raw(boolean), (col) => col.notNull())
    .addColumn('date_joined', sql.raw(timestamp), (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('tessera_token')
    .addColumn('id', sql.raw(id), (col) => col.primaryKey().notNull())
    .addColumn('user_id', postgres ? 'bigint' : 'integer', (col) =>
      col.notNull().unique().references('auth_user.id').onDelete('cascade'))
    .addColumn('key_digest', 'char(64)', (col) => col.notNull().unique())
    .addColumn('key_sealed', 'text', (col) => col.notNull())
    .addColumn('created', sql.raw(timestamp), (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('product')
    .addColumn('id', sql.raw(id), (col) => col.primaryKey().notNull())
    .addColumn('name', 'varchar(255)', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    // numeric(10,2) on PostgreSQL; TEXT on SQLite, whose NUMERIC affinity would turn
    // "12.50" into a float. Either way JavaScript only ever sees the exact string.
    .addColumn('price', postgres ? 'numeric(10, 2)' : 'text', (col) => col.notNull())
    .addColumn('created_at', sql.raw(timestamp), (col) => col.notNull())
    .execute();
  await db.schema.createIndex('product_created_at_idx').on('product').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product').execute();
  await db.schema.dropTable('tessera_token').execute();
  await db.schema.dropTable('auth_user').execute();
}
