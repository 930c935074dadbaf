// The only module that imports the database drivers. It opens SQLite (better-sqlite3) or
// PostgreSQL (pg) behind one Kysely<Database>, and offers prepare(): a query built once
// with Kysely, then run as a driver-level prepared statement. The per-request paths (token
// check, product reads) use it, so they neither rebuild SQL nor re-plan it. write() runs
// a write's statements; on SQLite an atomic one (a row and its audit entry) as one
// synchronous transaction.
//
// Outages: with `timeouts`, nothing waits on the database for ever. PostgreSQL: a
// connection (new, or from a full pool) within `connectMs`, a statement within
// `statementMs` (the server's statement_timeout), and an answer within both together
// on the client's side too, since a frozen or unreachable server never sends the
// cancellation. SQLite: the write lock within `connectMs` (busy_timeout). What fails so
// is a DatabaseUnavailableError or is recognized by databaseUnavailable(); the error
// handler answers it with a 503 (errors.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type Compilable, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import { isPromise, type MaybePromise } from '../maybe-promise.js';
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

/** Runs one statement of a write: its rows (those of RETURNING), or none. */
export type WriteStatement = <Row>(query: Compilable<Row>) => MaybePromise<Row[]>;

export interface WriteOptions {
  /** Both or neither: every statement in one transaction. Default: each on its own, as Django's autocommit. */
  readonly atomic?: boolean;
}

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
  /**
   * Runs a write's statements, each through `run`. On SQLite an atomic write that finds
   * the connection free runs synchronously, as one BEGIN IMMEDIATE ... COMMIT, and `work`
   * must then answer without a promise (its statements do). See sqliteWrite(). What
   * `work` throws or rejects with rolls the transaction back.
   */
  write<T>(work: (run: WriteStatement) => MaybePromise<T>, options?: WriteOptions): MaybePromise<T>;
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

/** A statement of a Kysely transaction, or a query Kysely queues behind one. */
function kyselyStatement(executor: Kysely<Database>): WriteStatement {
  return async <Row>(query: Compilable<Row>) => (await executor.executeQuery(query)).rows;
}

/** Kysely's transaction, with its statements run through `run`. */
function kyselyTransaction<T>(kysely: Kysely<Database>, work: (run: WriteStatement) => MaybePromise<T>): Promise<T> {
  return kysely.transaction().execute(async (trx) => work(kyselyStatement(trx)));
}

/**
 * Writes on SQLite. An atomic write (a row and its audit entry) runs as one synchronous
 * transaction, BEGIN IMMEDIATE ... COMMIT through the statement cache, with no promise in
 * between: concurrent writes do not queue on Kysely's mutex, and nothing else runs on the
 * connection meanwhile. Kysely holds that one connection across awaits for its own
 * transactions (the admin's writes): while one is open, a BEGIN here would fail (or a
 * plain statement would join it and share its fate), so the write waits for it on
 * Kysely's queue, as before. A read scope's transaction is left the same way: the queued
 * write runs after its COMMIT. IMMEDIATE takes the write lock at once, waiting up to
 * busy_timeout for another process's (SQLITE_BUSY, a 503, after that).
 */
function sqliteWrite(sqlite: SQLite.Database, kysely: Kysely<Database>, execute: WriteStatement): Db['write'] {
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const queued = kyselyStatement(kysely);
  const autocommit: WriteStatement = (query) => (sqlite.inTransaction ? queued(query) : execute(query));
  let open = false;
  const inTransaction: WriteStatement = (query) => {
    // A statement after an await would run after the COMMIT, outside the transaction.
    if (!open) throw new Error('A synchronous SQLite write ran a statement after its transaction ended; its work must not await');
    return execute(query);
  };
  return function write<T>(work: (run: WriteStatement) => MaybePromise<T>, options?: WriteOptions): MaybePromise<T> {
    if (options?.atomic !== true) return work(autocommit);
    if (sqlite.inTransaction) return kyselyTransaction(kysely, work);
    begin.run();
    open = true;
    let completed = false;
    try {
      const result = work(inTransaction);
      if (isPromise(result)) {
        result.catch(ignoreError); // its statements after the await fail with the error above
        throw new Error('A synchronous SQLite write answered with a promise; its work must not await');
      }
      commit.run();
      completed = true;
      return result;
    } finally {
      open = false;
      if (!completed && sqlite.inTransaction) rollback.run();
    }
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

/** How long the database may take (config.ts's DatabaseTimeouts). */
export interface DatabaseTimeouts {
  readonly connectMs: number;
  readonly statementMs: number;
}

/**
 * The database cannot be reached: the server is not running, refuses or drops the
 * connection, refuses the login, or does not answer in time. The message names the
 * server (never its password) and says why, in one line.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

// PostgreSQL's SQLSTATEs for "not now": query_canceled (statement_timeout), the
// shutdown and start-up codes, too_many_connections, lock_not_available; class 08 is
// connection exceptions (appendix A of PostgreSQL's documentation).
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '55P03']);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// pg's own errors for a connection that ends or a query that gets no answer (lib/client.js).
const UNAVAILABLE_PG_MESSAGES = /^(Query read timeout|Connection terminated|timeout exceeded when trying to connect)/;

/** Whether an error means "the database cannot answer now" rather than a bug: a 503, not a 500. */
export function databaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (UNAVAILABLE_SQLSTATES.has(code) || (code.startsWith('08') && code.length === 5)) return true;
    // A system call's failure on the database's socket (pg passes it to the query). A
    // client that goes away mid-body is an ECONNRESET too, but no system call's: not ours.
    if (UNAVAILABLE_SOCKET_CODES.has(code) && typeof (error as { syscall?: unknown }).syscall === 'string') return true;
  }
  return UNAVAILABLE_PG_MESSAGES.test(error.message);
}

/** host:port/database of a postgres:// URL, without user or password, for messages. */
export function postgresServerName(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `${host}:${parsed.port || '5432'}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** Why a connection could not be made, as the end of a sentence. */
function connectFailure(error: Error, timeoutMs: number | undefined): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is PostgreSQL running there?)';
    case 'ENOENT':
      return 'there is no server socket (is PostgreSQL running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'ECONNRESET':
      return 'the server closed the connection';
    default:
      break;
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(error.message)) {
    return timeoutMs === undefined ? 'it did not answer' : `it did not answer within ${timeoutMs / 1000} s (DATABASE_CONNECT_TIMEOUT)`;
  }
  // The server answered and refused (no such database, a wrong password): its own words.
  return error.message.split('\n')[0] ?? String(code);
}

export interface OpenOptions {
  /** Open an existing SQLite file without changing it (a Django database to import). */
  readonly readonly?: boolean;
  /** Give up on a database that does not answer (see the module comment); none by default (the CLI, migrations). */
  readonly timeouts?: DatabaseTimeouts;
  /**
   * SQLite: read up to this many bytes of the file through a memory map (PRAGMA mmap_size)
   * instead of pread into SQLite's page cache; 0 or unset: none.
   */
  readonly mmapBytes?: number;
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
  // How long a write waits for another process's (the CLI's) write lock before SQLITE_BUSY.
  // better-sqlite3 waits on the event loop, so this is kept short (DATABASE_CONNECT_TIMEOUT).
  sqlite.pragma(`busy_timeout = ${Math.round(options.timeouts?.connectMs ?? 5000)}`);
  // A page read through the map costs no system call and no copy, and the pages are the
  // kernel's page cache (shared, reclaimable), not this process's memory: a large table
  // read at random (a million tokens) stays fast without a large private page cache.
  if (options.mmapBytes !== undefined && options.mmapBytes > 0) sqlite.pragma(`mmap_size = ${Math.floor(options.mmapBytes)}`);

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
  const execute = sqliteExecutor(sqlite);

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
    execute,
    readScope: sqliteReadScope(sqlite),
    write: sqliteWrite(sqlite, kysely, execute),
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

/**
 * pg's Pool, whose failures to connect say which server and why, in one line
 * (DatabaseUnavailableError), wherever they surface: a start, a migration, a request.
 */
class NamedPool extends pg.Pool {
  readonly serverName: string;
  readonly connectTimeoutMs: number | undefined;

  constructor(config: pg.PoolConfig, serverName: string) {
    super(config);
    this.serverName = serverName;
    this.connectTimeoutMs = config.connectionTimeoutMillis || undefined;
  }

  private described(error: Error): Error {
    if (error instanceof DatabaseUnavailableError) return error;
    return new DatabaseUnavailableError(`Cannot connect to PostgreSQL at ${this.serverName}: ${connectFailure(error, this.connectTimeoutMs)}`, { cause: error });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback === undefined) return super.connect().catch((error: Error) => Promise.reject(this.described(error)));
    // pool.query() connects through the callback form.
    super.connect((error, client, done) => callback(error == null ? undefined : this.described(error), client, done));
  }
}

export interface PgPoolOptions {
  readonly max?: number;
  readonly schema?: string;
  readonly timeouts?: DatabaseTimeouts;
}

export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  // Every session in UTC; a schema (tests use one each) goes first on the search path.
  const settings = ['-c TimeZone=UTC'];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const timeouts = options.timeouts;
  const pool = new NamedPool({
    connectionString: url,
    max: options.max ?? 10,
    options: settings.join(' '),
    types: pgTypes as never,
    ...(timeouts === undefined ? {} : { connectionTimeoutMillis: timeouts.connectMs }),
    ...(timeouts === undefined || timeouts.statementMs === 0 ? {} : {
      statement_timeout: timeouts.statementMs,
      // The server cancels a statement at statement_timeout; a server that is frozen or
      // cut off cannot, so the client gives up a little later on its own.
      query_timeout: timeouts.statementMs + timeouts.connectMs,
    }),
  }, postgresServerName(url));
  // An idle client's error (e.g. the server restarting) must not crash the process; nor
  // must a checked-out one's, which pg also emits (its query fails with it all the same).
  pool.on('error', ignoreError);
  pool.on('connect', (client) => client.on('error', ignoreError));
  return pool;
}

function ignoreError(): void {}

/**
 * The pool as Kysely sees it. A client whose query got no answer in time still has that
 * query on the wire, and every later query on it would wait behind it: it is released
 * with the error, so that the pool drops it (pg-pool's release(err)) instead of reusing it.
 */
function droppingTimedOutClients(pool: pg.Pool): { connect(): Promise<unknown>; end(): Promise<void> } {
  interface KyselyClient {
    query(sql: string, parameters: unknown[]): Promise<pg.QueryResult>;
    release(discard?: boolean): void;
  }
  const wrapped = new WeakMap<pg.PoolClient, KyselyClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let forKysely = wrapped.get(client);
      if (forKysely === undefined) {
        let failed: Error | undefined;
        forKysely = {
          query(sql, parameters) {
            return client.query(sql, parameters).catch((error: Error) => {
              if (databaseUnavailable(error) && (error as { code?: unknown }).code === undefined) failed = error;
              throw error;
            });
          },
          release(discard) {
            const error = failed ?? (discard === true ? new Error('discarded') : undefined);
            failed = undefined;
            client.release(error);
          },
        };
        wrapped.set(client, forKysely);
      }
      return forKysely;
    },
    end: () => pool.end(),
  };
}

function openPostgres(url: string, schema: string | undefined, timeouts: DatabaseTimeouts | undefined): Db {
  const pool = createPgPool(url, { schema, timeouts });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: droppingTimedOutClients(pool) as never }) });
  async function execute<Row>(query: Compilable<Row>): Promise<Row[]> {
    const compiled = query.compile();
    return (await pool.query({ text: compiled.sql, values: compiled.parameters as unknown[] })).rows as Row[];
  }
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
    execute,
    readScope: runNow,
    // Each autocommit statement on a connection of its own; a transaction on one connection, through Kysely.
    write: (work, options) => (options?.atomic === true ? kyselyTransaction(kysely, work) : work(execute)),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await kysely.destroy();
    },
  };
}

export function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): Db {
  return config.dialect === 'sqlite' ? openSqlite(config.path, options) : openPostgres(config.url, config.schema, options.timeouts);
}
