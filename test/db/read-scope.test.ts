// Db.readScope: a view's synchronous reads share one read transaction on SQLite (one
// snapshot, one set of lock system calls); work after it runs in its own transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

describe('Db.readScope on SQLite', () => {
  let dir: string;
  let db: Db;
  let otherConnection: SQLite.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-read-scope-'));
    const path = join(dir, 'db.sqlite3');
    db = openDatabase({ dialect: 'sqlite', path });
    await migrateToLatest(db.kysely);
    await db.kysely.insertInto('product').values({ name: 'first', description: '', price: '1.00', created_at: '2026-01-01 00:00:00.000000' }).execute();
    otherConnection = new SQLite(path); // another process's connection, e.g. the CLI
  });
  afterEach(async () => {
    otherConnection.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function productName(): string | undefined {
    const lookup = db.prepareLookup<{ name: string }>('test_product_name', db.kysely.selectFrom('product').select('name').where('id', '=', 0));
    return (lookup([1]) as { name: string } | undefined)?.name;
  }

  it('reads one snapshot inside, and the latest one after', () => {
    const seen: Array<string | undefined> = [];
    db.readScope(() => {
      seen.push(productName());
      otherConnection.prepare("update product set name = 'changed' where id = 1").run();
      seen.push(productName());
    });
    expect(seen).toEqual(['first', 'first']);
    expect(productName()).toBe('changed');
  });

  it('leaves no transaction open, whether the work returns or throws', async () => {
    expect(() => db.readScope(() => {
      productName();
      throw new Error('boom');
    })).toThrow('boom');
    db.readScope(() => db.readScope(() => productName())); // nested: one transaction
    await db.kysely.transaction().execute(async (trx) => {
      await trx.updateTable('product').set({ name: 'written' }).where('id', '=', 1).execute();
    });
    expect(otherConnection.prepare('select name from product where id = 1').pluck().get()).toBe('written');
  });
});
