// The only module that imports the database drivers. It opens SQLite (better-sqlite3) or
// PostgreSQL (pg) behind one Kysely<Database>, and offers prepare(): a query built once
// with Kysely, then run as a driver-level prepared statement. The per-request paths (token
// check, product reads) use it, so they neither rebuild SQL nor re-plan it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type Compilable, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { MaybePromise } from '../maybe-promise.js';
import type { Database } from './database.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A statement prepared once; each call binds new parameters in order. SQLite answers
 * synchronously (better-sqlite3 is synchronous), PostgreSQL with a promise; callers that
 * `await` the result work with both, and the hot paths skip the promise when they can.
 */
export type PreparedQuery<Row> = (parameters: readonly unknown[]) => MaybePromise<Row[]>;

/** A prepared lookup of at most one row (by a unique key): the row, or undefined. */
export type PreparedLookup<Row> = (parameters: readonly unknown[]) => MaybePromise<Row | undefined>;

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  prepare<Row>(name: string, query: Compilable<Row>): PreparedQuery<Row>;
  /** prepare() for a query by a unique key: stops at the first row (SQLite steps no further). */
  prepareLookup<Row>(name: string, query: Compilable<Row>): PreparedLookup<Row>;
  /**
   * A value to compare an indexed column with in a hot statement (`where key_digest = ?`),
   * written so that its binding can never change the statement's plan. See
   * sqlitePlanStableValue().
   */
  planStableValue<T>(value: T): RawBuilder<T>;
  /**
   * Runs a query built per request (a filtered, paged list): synchronously on SQLite,
   * from a cache of prepared statements keyed by the SQL text, so that a view's reads
   * stay in its read transaction; as an unnamed statement on PostgreSQL.
   */
  execute<Row>(query: Compilable<Row>): MaybePromise<Row[]>;
  /**
   * Runs `work` (synchronous; what it starts asynchronously runs after) so that the reads
   * it makes share one read transaction on SQLite. See sqliteReadScope().
   */
  readScope(work: () => void): void;
  /** PostgreSQL: the pool's connections (for metrics); absent on SQLite. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/**
 * `+?` instead of `?`. better-sqlite3 builds SQLite with SQLITE_ENABLE_STAT4: once ANALYZE
 * (or `PRAGMA optimize`) has gathered samples of an index, a statement comparing that
 * index's column with a bound parameter is re-prepared at its first step after every new
 * binding, since the value might change the best plan (sqlite3_prepare_v3's documentation).
 * For the token lookup that is a re-prepare on every request: 12 µs instead of 3 µs here.
 * Unary plus leaves the value and the comparison's (the column's) affinity as they are,
 * but the planner no longer sees a bare variable (vdbemem.c, stat4ValueFromExpr), so it
 * plans once, still by the index. PostgreSQL has no such re-planning: a plain parameter.
 */
function sqlitePlanStableValue<T>(value: T): RawBuilder<T> {
  return sql<T>`+${value}`;
}

function plainValue<T>(value: T): RawBuilder<T> {
  return sql<T>`${value}`;
}

/**
 * One read transaction around a request's synchronous part. In WAL mode every statement
 * outside a transaction is a read transaction of its own, and each costs three system
 * calls (two fcntl locks on the -shm file, one fstat; about 1 µs each here): the token
 * check and the product read would pay them twice. better-sqlite3 answers synchronously
 * and views run from the access check through the handler to the response in one
 * synchronous stretch on SQLite, so no other request's statement can run in between.
 * Work that continues after an await (Kysely queries, writes after a body is read) runs
 * after the COMMIT, in its own transactions, as before. Both reads now also see one
 * snapshot of the database.
 */
function sqliteReadScope(sqlite: SQLite.Database): (work: () => void) => void {
  const begin = sqlite.prepare('BEGIN');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  return function readScope(work) {
    if (sqlite.inTransaction) {
      work();
      return;
    }
    begin.run();
    let completed = false;
    try {
      work();
      completed = true;
    } finally {
      if (sqlite.inTransaction) (completed ? commit : rollback).run();
    }
  };
}

/** Prepared statements for per-request queries, by SQL text; the least recently used go first. */
const STATEMENT_CACHE_SIZE = 256;

function sqliteExecutor(sqlite: SQLite.Database): <Row>(query: Compilable<Row>) => Row[] {
  const statements = new Map<string, SQLite.Statement>();
  return function execute<Row>(query: Compilable<Row>): Row[] {
    const compiled = query.compile();
    let statement = statements.get(compiled.sql);
    if (statement === undefined) {
      statement = sqlite.prepare(compiled.sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    } else {
      statements.delete(compiled.sql);
    }
    statements.set(compiled.sql, statement);
    if (!statement.reader) {
      statement.run(...sqliteParameters(compiled.parameters));
      return [];
    }
    return statement.all(...sqliteParameters(compiled.parameters)) as Row[];
  };
}

function runNow(work: () => void): void {
  work();
}

// better-sqlite3 binds numbers, strings, bigints, buffers and null, not booleans.
function sqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function sqliteParameters(parameters: readonly unknown[]): unknown[] {
  return parameters.map(sqliteValue);
}

/** A statement's first row for these parameters (one parameter bound without copying). */
function firstRow(statement: SQLite.Statement, parameters: readonly unknown[]): unknown {
  if (parameters.length === 1) return statement.get(sqliteValue(parameters[0]));
  return statement.get(...sqliteParameters(parameters));
}

/** A statement's rows for these parameters; one parameter (the hot paths' case) is bound without copying. */
function allRows(statement: SQLite.Statement, parameters: readonly unknown[]): unknown[] {
  if (parameters.length === 0) return statement.all();
  if (parameters.length === 1) return statement.all(sqliteValue(parameters[0]));
  return statement.all(...sqliteParameters(parameters));
}

export interface OpenOptions {
  /** Open an existing SQLite file without changing it (a Django database to import). */
  readonly readonly?: boolean;
  /** SQLite: called with every statement it runs (better-sqlite3's verbose), for tests and debugging. */
  readonly trace?: (sql: string) => void;
}

function openSqlite(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly === true;
  if (!readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path, {
    ...(readonly ? { readonly: true, fileMustExist: true } : {}),
    ...(options.trace === undefined ? {} : { verbose: (message?: unknown) => options.trace!(String(message)) }),
  });
  // WAL lets the CLI write while the server reads; NORMAL sync is durable in WAL mode
  // except for the last transactions on power loss, Django's default trade-off too.
  if (!readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');

  // Kysely sees a database whose statements accept booleans like every other driver.
  const forKysely = {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      // Every transaction Tessera opens writes: BEGIN IMMEDIATE takes the write lock at
      // once (waiting up to busy_timeout), where a deferred BEGIN that reads first fails
      // with SQLITE_BUSY at its first write when another process (a worker, the CLI) wrote.
      const statement = sqlite.prepare(sql === 'begin' ? 'begin immediate' : sql);
      return {
        reader: statement.reader,
        all: (parameters: readonly unknown[]) => statement.all(...sqliteParameters(parameters)),
        run: (parameters: readonly unknown[]) => statement.run(...sqliteParameters(parameters)),
        iterate: (parameters: readonly unknown[]) => statement.iterate(...sqliteParameters(parameters)),
      };
    },
  };
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: forKysely as never }) });

  return {
    kysely,
    dialect: 'sqlite',
    prepare<Row>(_name: string, query: Compilable<Row>): PreparedQuery<Row> {
      const statement = sqlite.prepare(query.compile().sql);
      if (statement.reader) return (parameters) => allRows(statement, parameters) as Row[];
      return (parameters) => {
        statement.run(...sqliteParameters(parameters));
        return [];
      };
    },
    prepareLookup<Row>(_name: string, query: Compilable<Row>): PreparedLookup<Row> {
      const statement = sqlite.prepare(query.compile().sql);
      return (parameters) => firstRow(statement, parameters) as Row | undefined;
    },
    planStableValue: sqlitePlanStableValue,
    execute: sqliteExecutor(sqlite),
    readScope: sqliteReadScope(sqlite),
    async close() {
      await kysely.destroy();
    },
  };
}

const PG_INT8 = 20;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;
const PG_DATE = 1082;

// ids and counts are bigint (int8): safe as numbers far beyond any real table. Timestamps
// stay text (UTC, microseconds intact); a JavaScript Date would drop the microseconds.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_INT8) return (value: string) => Number(value);
    if (oid === PG_TIMESTAMP || oid === PG_TIMESTAMPTZ || oid === PG_DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

export function createPgPool(url: string, options: { max?: number; schema?: string } = {}): pg.Pool {
  // Every session in UTC; a schema (tests use one each) goes first on the search path.
  const settings = ['-c TimeZone=UTC'];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  return new pg.Pool({ connectionString: url, max: options.max ?? 10, options: settings.join(' '), types: pgTypes as never });
}

function openPostgres(url: string, schema: string | undefined): Db {
  const pool = createPgPool(url, { schema });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => {});
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    prepare<Row>(name: string, query: Compilable<Row>): PreparedQuery<Row> {
      const text = query.compile().sql;
      // A named statement is parsed and planned once per connection, then only bound.
      return async (parameters) => (await pool.query({ name, text, values: parameters as unknown[] })).rows as Row[];
    },
    prepareLookup<Row>(name: string, query: Compilable<Row>): PreparedLookup<Row> {
      const text = query.compile().sql;
      return async (parameters) => (await pool.query({ name, text, values: parameters as unknown[] })).rows[0] as Row | undefined;
    },
    planStableValue: plainValue,
    async execute<Row>(query: Compilable<Row>): Promise<Row[]> {
      const compiled = query.compile();
      return (await pool.query({ text: compiled.sql, values: compiled.parameters as unknown[] })).rows as Row[];
    },
    readScope: runNow,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await kysely.destroy();
    },
  };
}

export function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Db {
  return config.dialect === 'sqlite' ? openSqlite(config.path, options) : openPostgres(config.url, config.schema);
}
