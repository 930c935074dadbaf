// SQLITE_MMAP_SIZE: the server reads the SQLite file through a memory map of that size
// (db/connect.ts), and what another connection (the CLI, another worker) writes is seen
// through the map at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const MAP_BYTES = 64 * 1024 * 1024;

async function mmapSize(db: Db): Promise<number> {
  const { rows } = await sql<{ mmap_size: number }>`pragma mmap_size`.execute(db.kysely);
  return Number(rows[0]?.mmap_size);
}

describe('SQLite read through a memory map', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-mmap-'));
    path = join(dir, 'db.sqlite3');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps as much of the file as asked, and nothing when not asked', async () => {
    const mapped = openDatabase({ dialect: 'sqlite', path }, { mmapBytes: MAP_BYTES });
    const plain = openDatabase({ dialect: 'sqlite', path });
    try {
      expect(await mmapSize(mapped)).toBe(MAP_BYTES);
      expect(await mmapSize(plain)).toBe(0);
    } finally {
      await mapped.close();
      await plain.close();
    }
  });

  it("sees another connection's writes at once, also when the file grows past what was mapped", async () => {
    const db = openDatabase({ dialect: 'sqlite', path }, { mmapBytes: MAP_BYTES });
    const other = new SQLite(path);
    try {
      await migrateToLatest(db.kysely);
      const count = () => db.execute(db.kysely.selectFrom('product').select((eb) => eb.fn.countAll<number>().as('n')));
      expect(Number((await count())[0]?.n)).toBe(0);
      const insert = other.prepare("insert into product (name, description, price, created_at) values (?, ?, '1.00', '2026-01-01 00:00:00.000000')");
      // About 100 MB of rows: more than the map holds, read partly through it and partly with read().
      const description = 'x'.repeat(10_000);
      other.transaction(() => {
        for (let i = 0; i < 10_000; i++) insert.run(`product ${i}`, description);
      })();
      expect(Number((await count())[0]?.n)).toBe(10_000);
      const last = await db.kysely.selectFrom('product').select(['name', 'description']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      expect(last).toEqual({ name: 'product 9999', description });
    } finally {
      other.close();
      await db.close();
    }
  });
});
