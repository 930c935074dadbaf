// Product rows. Reads that every request makes (one product, the list) are prepared once
// per database (see db/connect.ts); writes go through Kysely.
import type { Db } from '../db/connect.js';
import type { ProductRow } from '../db/database.js';
import { nowTimestamp, toApiDateTime } from '../db/timestamps.js';
import { mapMaybePromise, type MaybePromise } from '../maybe-promise.js';

/** A product as the API shows it (DRF's ModelSerializer with fields = '__all__'). */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly price: string;
  readonly created_at: string;
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price: row.price,
    created_at: toApiDateTime(row.created_at),
  };
}

export interface ProductFields {
  readonly name: string;
  readonly description: string;
  readonly price: string;
}

export interface ProductRepository {
  /** Synchronous on SQLite (a prepared read), so the views answer without a promise. */
  list(): MaybePromise<Product[]>;
  get(id: number): MaybePromise<Product | null>;
  create(fields: ProductFields): Promise<Product>;
  update(id: number, fields: Partial<ProductFields>): Promise<Product | null>;
  remove(id: number): Promise<boolean>;
}

export function productRepository(db: Db): ProductRepository {
  const columns = ['id', 'name', 'description', 'price', 'created_at'] as const;
  const listAll = db.prepare<ProductRow>(
    'tessera_product_list',
    db.kysely.selectFrom('product').select(columns).orderBy('id'),
  );
  const getOne = db.prepareLookup<ProductRow>(
    'tessera_product_get',
    db.kysely.selectFrom('product').select(columns).where('id', '=', 0),
  );
  const found = (row: ProductRow | undefined): Product | null => (row === undefined ? null : toProduct(row));
  const all = (rows: ProductRow[]): Product[] => rows.map(toProduct);
  return {
    list: () => mapMaybePromise(listAll([]), all),
    get: (id) => mapMaybePromise(getOne([id]), found),
    async create(fields) {
      const row = await db.kysely
        .insertInto('product')
        .values({ ...fields, created_at: nowTimestamp() })
        .returning(columns)
        .executeTakeFirstOrThrow();
      return toProduct(row);
    },
    async update(id, fields) {
      if (Object.keys(fields).length === 0) return this.get(id);
      const row = await db.kysely.updateTable('product').set(fields).where('id', '=', id).returning(columns).executeTakeFirst();
      return row === undefined ? null : toProduct(row);
    },
    async remove(id) {
      const result = await db.kysely.deleteFrom('product').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
