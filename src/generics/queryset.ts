// A resource's rows in the database: the select (its columns, and a join for a relation
// shown by another column, such as the owner's username), scoped to what a request may
// see (get_queryset), and the writes. The reads every request makes are prepared once:
// an object by primary key (per set of scope columns) and the unfiltered list's chunks; on SQLite
// they answer synchronously, inside the view's read transaction (db/connect.ts). Lists
// with filters are built per request and run through Db.execute, synchronously on SQLite too.
// Writes are statements for Db.write's `run`: a write and its audit entry are then one
// synchronous transaction on SQLite, and Kysely's on PostgreSQL.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Db, PreparedLookup, PreparedQuery, WriteStatement } from '../db/connect.js';
import { mapMaybePromise, type MaybePromise } from '../maybe-promise.js';
import type { ColumnValues, StoredRow } from './serializers.js';
import type { Resource } from './resource.js';
import { qualified } from './filters.js';

type AnyQuery = SelectQueryBuilder<any, any, any>;

/**
 * get_queryset() as data: the rows a request may see are those whose fields equal these
 * values ({ owner: request.user.id }); null: every row.
 */
export type Scope = Readonly<Record<string, unknown>> | null;

export interface ResourceRows {
  /** The select of every field (and relation display), scoped. */
  select(scope: Scope): AnyQuery;
  /** One row by primary key, within the scope; prepared. */
  get(key: number, scope: Scope): MaybePromise<StoredRow | undefined>;
  /**
   * Up to `limit` rows in primary-key order, unscoped and unfiltered, after the row whose
   * key is `after` (null: from the first); prepared. An unpaginated list reads itself so,
   * in chunks (viewsets.ts), never the whole table into memory at once.
   */
  page(after: number | null, limit: number): MaybePromise<StoredRow[]>;
  /** Runs a query built per request. */
  execute(query: AnyQuery): MaybePromise<StoredRow[]>;
  /** The row as written (its columns; no relation display values). */
  insert(run: WriteStatement, values: ColumnValues): MaybePromise<StoredRow>;
  /** undefined: the row is gone (deleted since it was read). */
  update(run: WriteStatement, key: number, values: ColumnValues): MaybePromise<StoredRow | undefined>;
  /** Whether a row as written lacks what the API shows (a relation's display value, read by a join). */
  readonly needsJoin: boolean;
  remove(run: WriteStatement, key: number): MaybePromise<unknown>;
  /** PrimaryKeyRelatedField's existence check. */
  exists(table: string, column: string, key: number): Promise<boolean>;
  /**
   * Runs a write's statements (Db.write): in one transaction when atomic (a write and its
   * audit entry), each on its own otherwise. Synchronous on SQLite when it can be.
   */
  write<T>(work: (run: WriteStatement) => MaybePromise<T>, options: { atomic: boolean }): MaybePromise<T>;
}

export function resourceRows(db: Db, resource: Resource): ResourceRows {
  const kysely = db.kysely as unknown as Kysely<any>;
  const { table } = resource;
  const keyColumn = qualified(resource, resource.primaryKey);
  const columns = resource.bound.map((entry) => entry.column);
  const base = (): AnyQuery => {
    let query: AnyQuery = kysely.selectFrom(table).select(resource.bound.map((entry) => `${table}.${entry.column}`));
    for (const entry of resource.bound) {
      const reference = entry.field.references;
      if (entry.displayAlias === null || reference === undefined) continue;
      const alias = `${entry.name}__rel`;
      query = query
        .leftJoin(`${reference.table} as ${alias}`, `${alias}.${reference.column}`, qualified(resource, entry))
        .select(`${alias}.${reference.display} as ${entry.displayAlias}`);
    }
    return query;
  };
  const columnOf = (name: string): string => {
    const entry = resource.field(name);
    if (entry === undefined) throw new Error(`${resource.name}: the queryset scope names ${name}, which is not one of its fields`);
    return qualified(resource, entry);
  };
  const scoped = (query: AnyQuery, scope: Scope): AnyQuery => {
    if (scope === null) return query;
    let result = query;
    for (const [name, value] of Object.entries(scope)) result = result.where(columnOf(name), '=', value);
    return result;
  };

  // One prepared lookup per set of scope fields; parameters: the scope's values in name order, then the key.
  const lookups = new Map<string, PreparedLookup<StoredRow>>();
  const lookupFor = (names: readonly string[]): PreparedLookup<StoredRow> => {
    const cacheKey = names.join(',');
    let lookup = lookups.get(cacheKey);
    if (lookup === undefined) {
      let query = base();
      for (const name of names) query = query.where(columnOf(name), '=', 0);
      query = query.where(keyColumn, '=', 0);
      lookup = db.prepareLookup<StoredRow>(`tessera_${table}_get_${lookups.size}`, query);
      lookups.set(cacheKey, lookup);
    }
    return lookup;
  };
  let listFirst: PreparedQuery<StoredRow> | undefined;
  let listAfter: PreparedQuery<StoredRow> | undefined;
  // The hot path's lookup (no scope), kept at hand.
  let unscoped: PreparedLookup<StoredRow> | undefined;

  return {
    select: (scope) => scoped(base(), scope),
    get(key, scope) {
      if (scope === null) return (unscoped ??= lookupFor([]))([key]);
      const names = Object.keys(scope).sort();
      return lookupFor(names)([...names.map((name) => scope[name]), key]);
    },
    page(after, limit) {
      if (after === null) {
        listFirst ??= db.prepare<StoredRow>(`tessera_${table}_list`, base().orderBy(keyColumn).limit(0));
        return listFirst([limit]);
      }
      listAfter ??= db.prepare<StoredRow>(`tessera_${table}_list_after`, base().where(keyColumn, '>', 0).orderBy(keyColumn).limit(0));
      return listAfter([after, limit]);
    },
    execute: (query) => db.execute<StoredRow>(query),
    insert: (run, values) => mapMaybePromise(run<StoredRow>(kysely.insertInto(table).values(values).returning(columns)), (written) => written[0]!),
    update: (run, key, values) =>
      mapMaybePromise(run<StoredRow>(kysely.updateTable(table).set(values).where(resource.primaryKey.column, '=', key).returning(columns)), (written) => written[0]),
    needsJoin: resource.bound.some((entry) => entry.displayAlias !== null),
    remove: (run, key) => run(kysely.deleteFrom(table).where(resource.primaryKey.column, '=', key)),
    async exists(referenced, column, key) {
      const found = await kysely.selectFrom(referenced).select(column).where(column, '=', key).executeTakeFirst();
      return found !== undefined;
    },
    write: (work, { atomic }) => db.write(work, { atomic }),
  };
}
