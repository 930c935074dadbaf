// A Kysely transaction held open between its statements, as an admin write is while it
// awaits: it has written a product and holds SQLite's one connection until release().
import type { Db } from '../../src/db/connect.js';

export interface HeldTransaction {
  release(): void;
  /** Resolves once the transaction has committed. */
  readonly done: Promise<void>;
  committed(): boolean;
}

/** Opens the transaction and resolves once its product is written (the transaction is open). */
export async function holdTransaction(db: Db, productName: string): Promise<HeldTransaction> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let opened!: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  let committed = false;
  const done = db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('product').values({ name: productName, description: '', price: '1.00', created_at: '2026-01-01 00:00:00.000000' }).execute();
    opened();
    await held;
  }).then(() => {
    committed = true;
  });
  await open;
  return { release, done, committed: () => committed };
}
