// Db.write: a write's statements, in one transaction when atomic (both or neither). On
// SQLite an atomic write runs synchronously, BEGIN IMMEDIATE ... COMMIT with no promise in
// between, unless a transaction is open on the connection (a Kysely transaction awaiting
// between its statements, a read scope): then it waits for that one, on Kysely's queue.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseUnavailable, openDatabase, type Db, type WriteStatement } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { isPromise, mapMaybePromise } from '../../src/maybe-promise.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';
import { holdTransaction } from './held-transaction.js';

const CREATED_AT = '2026-01-01 00:00:00.000000';

function insertProduct(db: Db, run: WriteStatement, name: string) {
  return run(db.kysely.insertInto('product').values({ name, description: '', price: '1.00', created_at: CREATED_AT }).returning(['id', 'name']));
}

/** A statement that fails: the audit log has no such column. */
function failingInsert(db: Db, run: WriteStatement) {
  return run(db.kysely.insertInto('tessera_audit_log').values({ no_such_column: 1 } as never));
}

async function productNames(db: Db): Promise<string[]> {
  return (await db.kysely.selectFrom('product').select('name').orderBy('id').execute()).map((row) => row.name);
}

describe.each(DIALECTS)('Db.write on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('writes every statement of an atomic write, and answers with what its work returns', async () => {
    const { db } = database;
    const written = await db.write((run) => mapMaybePromise(insertProduct(db, run, 'pen'), () => insertProduct(db, run, 'ink')), { atomic: true });
    expect(written).toMatchObject([{ name: 'ink' }]);
    expect(await productNames(db)).toEqual(['pen', 'ink']);
  });

  it('writes nothing of an atomic write whose later statement fails', async () => {
    const { db } = database;
    const failed = await Promise.resolve()
      .then(() => db.write((run) => mapMaybePromise(insertProduct(db, run, 'pen'), () => failingInsert(db, run)), { atomic: true }))
      .then(() => null, (error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(await productNames(db)).toEqual([]);
    // The connection is usable afterwards: nothing was left open.
    await db.write((run) => insertProduct(db, run, 'ink'), { atomic: true });
    expect(await productNames(db)).toEqual(['ink']);
  });

  it('keeps what an autocommit write wrote before its failing statement', async () => {
    const { db } = database;
    const failed = await Promise.resolve()
      .then(() => db.write((run) => mapMaybePromise(insertProduct(db, run, 'pen'), () => failingInsert(db, run))))
      .then(() => null, (error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(await productNames(db)).toEqual(['pen']);
  });
});

describe.runIf(DIALECTS.includes('sqlite'))('Db.write on SQLite', () => {
  let dir: string;
  let path: string;
  let db: Db;
  let statements: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-write-'));
    path = join(dir, 'db.sqlite3');
    statements = [];
    db = openDatabase({ dialect: 'sqlite', path }, { timeouts: { connectMs: 50, statementMs: 1000 }, trace: (sql) => statements.push(sql) });
    await migrateToLatest(db.kysely);
    statements.length = 0;
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const twoProducts = (run: WriteStatement) => mapMaybePromise(insertProduct(db, run, 'pen'), () => insertProduct(db, run, 'ink'));

  it('runs an atomic write synchronously, as one BEGIN IMMEDIATE ... COMMIT', async () => {
    const written = db.write(twoProducts, { atomic: true });
    expect(isPromise(written)).toBe(false);
    expect(written).toMatchObject([{ name: 'ink' }]);
    expect(statements.map((sql) => sql.split(' ').slice(0, 2).join(' '))).toEqual(['BEGIN IMMEDIATE', 'insert into', 'insert into', 'COMMIT']);
    expect(await productNames(db)).toEqual(['pen', 'ink']);
  });

  it('rolls back what a synchronous write wrote when its work throws', async () => {
    expect(() => db.write((run) => {
      insertProduct(db, run, 'pen');
      throw new Error('refused');
    }, { atomic: true })).toThrow('refused');
    expect(statements.at(-1)).toBe('ROLLBACK');
    expect(await productNames(db)).toEqual([]);
  });

  it('refuses work that awaits between its statements, and writes none of it', async () => {
    expect(() => db.write(async (run) => {
      insertProduct(db, run, 'pen');
      await Promise.resolve();
      return insertProduct(db, run, 'ink');
    }, { atomic: true })).toThrow('must not await');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await productNames(db)).toEqual([]);
  });

  it('waits for a Kysely transaction open on the connection, and writes after it commits', async () => {
    const admin = await holdTransaction(db, 'admin');

    const written = db.write(twoProducts, { atomic: true });
    expect(isPromise(written)).toBe(true);
    const seenByWrite = (written as Promise<unknown>).then(() => admin.committed());
    admin.release();
    await admin.done;
    expect(await seenByWrite).toBe(true);
    expect(await productNames(db)).toEqual(['admin', 'pen', 'ink']);
  });

  it('writes nothing of a queued atomic write whose later statement fails', async () => {
    const admin = await holdTransaction(db, 'admin');
    const written = db.write((run) => mapMaybePromise(insertProduct(db, run, 'pen'), () => failingInsert(db, run)), { atomic: true });
    expect(isPromise(written)).toBe(true);
    const failed = (written as Promise<unknown>).then(() => null, (error: unknown) => error);
    admin.release();
    await admin.done;
    expect(await failed).toBeInstanceOf(Error);
    expect(await productNames(db)).toEqual(['admin']);
  });

  it('waits for the read scope it is called in, and writes after its COMMIT', async () => {
    let written: unknown;
    db.readScope(() => {
      written = db.write(twoProducts, { atomic: true });
    });
    expect(isPromise(written)).toBe(true);
    await written;
    expect(await productNames(db)).toEqual(['pen', 'ink']);
  });

  it('fails with SQLITE_BUSY, a 503, when another process holds the write lock past busy_timeout', async () => {
    const other = new SQLite(path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      let failure: unknown;
      try {
        db.write(twoProducts, { atomic: true });
      } catch (error) {
        failure = error;
      }
      expect((failure as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(databaseUnavailable(failure)).toBe(true);
      other.prepare('ROLLBACK').run();
    } finally {
      other.close();
    }
    db.write(twoProducts, { atomic: true });
    expect(await productNames(db)).toEqual(['pen', 'ink']);
  });
});
