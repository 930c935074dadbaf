// Frozen in time: this migration must not import application code.
// A covering index for the per-request token check (digest -> user id): the lookup reads
// the index alone, never the token row with its sealed key. With a million tokens that is
// one B-tree fewer on the path of every authenticated request (bench/README.md).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('tessera_token_lookup_idx').on('tessera_token').columns(['key_digest', 'user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tessera_token_lookup_idx').execute();
}
