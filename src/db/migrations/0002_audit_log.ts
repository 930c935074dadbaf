// Frozen in time: this migration must not import application code.
// The audit log: one row per admin write and per authentication event. No foreign key to
// auth_user: an entry outlives the user it names (actor_username keeps the name).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('tessera_audit_log')
    .addColumn('id', sql.raw(postgres ? 'bigserial' : 'integer'), (col) => col.primaryKey().notNull())
    .addColumn('created', sql.raw(postgres ? 'timestamptz' : 'text'), (col) => col.notNull())
    .addColumn('actor_id', postgres ? 'bigint' : 'integer')
    .addColumn('actor_username', 'varchar(150)')
    .addColumn('action', 'varchar(32)', (col) => col.notNull())
    .addColumn('object_type', 'varchar(32)', (col) => col.notNull())
    .addColumn('object_id', 'varchar(64)')
    .addColumn('object_repr', 'varchar(200)', (col) => col.notNull())
    // JSON text on both databases: entries are written once and read whole.
    .addColumn('changes', 'text', (col) => col.notNull())
    .addColumn('ip', 'varchar(45)')
    .execute();
  await db.schema.createIndex('tessera_audit_log_created_idx').on('tessera_audit_log').column('created').execute();
  await db.schema.createIndex('tessera_audit_log_action_idx').on('tessera_audit_log').columns(['action', 'created']).execute();
  await db.schema.createIndex('tessera_audit_log_actor_idx').on('tessera_audit_log').columns(['actor_username', 'created']).execute();
  await db.schema.createIndex('tessera_audit_log_object_idx').on('tessera_audit_log').columns(['object_type', 'object_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tessera_audit_log').execute();
}
