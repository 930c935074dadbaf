// Frozen in time: this migration must not import application code.
// The e-mail outbox (accounts/outbox.ts): every message the accounts views send is first a
// row here, written in the same transaction as the change it reports (a sign-up and its
// activation e-mail exist together or not at all), then delivered in the background and
// deleted. A failed delivery stays, with its error and the moment of the next attempt.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const timestamp = postgres ? 'timestamptz' : 'text';
  await db.schema
    .createTable('tessera_email_outbox')
    .addColumn('id', sql.raw(postgres ? 'bigserial' : 'integer'), (col) => col.primaryKey().notNull())
    .addColumn('created', sql.raw(timestamp), (col) => col.notNull())
    .addColumn('recipient', 'varchar(254)', (col) => col.notNull())
    .addColumn('subject', 'varchar(255)', (col) => col.notNull())
    // The whole RFC 5322 message, as it will be sent (and as the .eml file holds it).
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    // null: given up (a permanent refusal); the row stays for the operator.
    .addColumn('next_attempt', sql.raw(timestamp))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('tessera_email_outbox_due_idx').on('tessera_email_outbox').column('next_attempt').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tessera_email_outbox').execute();
}
