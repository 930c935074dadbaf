// Frozen in time: this migration must not import application code.
// SimpleJWT's token_blacklist app, table for table and column for column (Django's names,
// so a Django database's rows mean the same here): every refresh token issued is
// "outstanding"; blacklisting one adds a row that points at it. The one-to-one unique
// index on token_id is what makes a blacklisting (and so a rotation) happen only once.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const timestamp = postgres ? 'timestamptz' : 'text';
  const id = sql.raw(postgres ? 'bigserial' : 'integer');
  const foreignKey = postgres ? 'bigint' : 'integer';
  await db.schema
    .createTable('token_blacklist_outstandingtoken')
    .addColumn('id', id, (col) => col.primaryKey().notNull())
    .addColumn('user_id', foreignKey, (col) => col.references('auth_user.id').onDelete('set null'))
    .addColumn('jti', 'varchar(255)', (col) => col.notNull().unique())
    .addColumn('token', 'text', (col) => col.notNull())
    .addColumn('created_at', sql.raw(timestamp))
    .addColumn('expires_at', sql.raw(timestamp), (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('token_blacklist_outstandingtoken_user_id_idx')
    .on('token_blacklist_outstandingtoken')
    .column('user_id')
    .execute();
  await db.schema
    .createTable('token_blacklist_blacklistedtoken')
    .addColumn('id', id, (col) => col.primaryKey().notNull())
    .addColumn('token_id', foreignKey, (col) => col.notNull().unique().references('token_blacklist_outstandingtoken.id').onDelete('cascade'))
    .addColumn('blacklisted_at', sql.raw(timestamp), (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('token_blacklist_blacklistedtoken').execute();
  await db.schema.dropTable('token_blacklist_outstandingtoken').execute();
}
