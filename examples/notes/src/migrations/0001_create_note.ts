// Frozen in time: this migration must not import the project's code. It makes the table
// src/notes.ts declares, the same on SQLite and PostgreSQL (as Django's notes/0001_initial).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const timestamp = postgres ? 'timestamptz' : 'text';
  await db.schema
    .createTable('notes_note')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (col) => col.primaryKey().notNull())
    .addColumn('owner_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('title', 'varchar(100)', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('done', postgres ? 'boolean' : 'integer', (col) => col.notNull())
    .addColumn('priority', 'varchar(6)', (col) => col.notNull())
    .addColumn('due', 'date')
    // PositiveIntegerField's CHECK, as Django writes it.
    .addColumn('estimate_minutes', 'integer', (col) => col.check(sql`estimate_minutes >= 0`))
    .addColumn('created_at', sql.raw(timestamp), (col) => col.notNull())
    .addColumn('updated_at', sql.raw(timestamp), (col) => col.notNull())
    .execute();
  await db.schema.createIndex('notes_note_owner_id_idx').on('notes_note').column('owner_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notes_note').execute();
}
