// `tessera import-django SOURCE`: moves a Django + DRF database into Tessera without
// logging anyone out. Users keep their ids and password hashes (Tessera verifies Django's
// formats and upgrades them at the next login), every authtoken_token key keeps working
// (stored as its digest plus a copy sealed under this SECRET_KEY), and products keep
// their ids and exact prices. All or nothing: one transaction into an empty target.
import { sql, type Kysely } from 'kysely';
import { digestKey } from '../auth/tokens.js';
import { parseDatabaseUrl } from '../config.js';
import { openDatabase, type Db } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { storedFromParts } from '../db/timestamps.js';
import { decimalField, FieldError } from '../serializers/fields.js';
import { CommandError, type CommandContext } from './commands.js';

export interface ImportDjangoOptions {
  /** The products table (Django's `<app>_product`); found automatically when unique. */
  readonly productTable?: string;
  readonly dryRun: boolean;
}

export interface ImportCounts {
  users: number;
  tokens: number;
  products: number;
}

const PRODUCT_COLUMNS = ['id', 'name', 'description', 'price', 'created_at'];
const price = decimalField({ maxDigits: 10, decimalPlaces: 2 });

interface SourceUser {
  id: number;
  password: string;
  last_login: unknown;
  is_superuser: unknown;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: unknown;
  is_active: unknown;
  date_joined: unknown;
}

/** True for Django's booleans as either database returns them (1/0, true/false). */
function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)?$/;

/**
 * A Django timestamp (SQLite text, PostgreSQL timestamptz as text, or a Date) as Tessera
 * stores it: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC. Django with USE_TZ = True (the default)
 * writes UTC; a value with an offset is converted.
 */
export function normalizeTimestamp(value: unknown, what: string): string {
  if (value instanceof Date) value = value.toISOString();
  const match = typeof value === 'string' ? TIMESTAMP.exec(value.trim()) : null;
  const stored = match === null ? null : storedFromParts(match[1]!, match[2]!, match[3] ?? '', match[4]);
  if (stored === null) throw new CommandError(`${what}: "${String(value)}" is not a date and time`);
  return stored;
}

/**
 * A Django DecimalField value as Tessera's exact string. Django on SQLite may have stored
 * a REAL (12.5, 99999999.989999994636); Django itself reads it back quantized to the
 * field's places, and so does this. Text and PostgreSQL numeric are taken exactly.
 */
export function normalizePrice(value: unknown, what: string): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) >= 1e21) throw new CommandError(`${what}: ${value} is not a valid price`);
    text = value.toFixed(2);
  } else if (typeof value === 'bigint') {
    text = value.toString();
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new CommandError(`${what}: ${String(value)} is not a valid price`);
  }
  try {
    return price.parse(text);
  } catch (error) {
    if (error instanceof FieldError) throw new CommandError(`${what}: ${text} does not fit a price (${error.messages.join(' ')})`);
    throw error;
  }
}

async function sourceTables(source: Db): Promise<string[]> {
  const rows = source.dialect === 'sqlite'
    ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(source.kysely)
    : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(source.kysely);
  return rows.rows.map((row) => row.name);
}

async function tableColumns(source: Db, table: string): Promise<string[]> {
  const rows = source.dialect === 'sqlite'
    ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(source.kysely)
    : await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(source.kysely);
  return rows.rows.map((row) => row.name);
}

/** The product table to copy: the one named, or the only `*_product` table with the right columns. */
async function findProductTable(source: Db, tables: string[], named: string | undefined): Promise<string | null> {
  if (named !== undefined) {
    if (!tables.includes(named)) throw new CommandError(`The source has no table ${named}`);
    const columns = await tableColumns(source, named);
    const absent = PRODUCT_COLUMNS.filter((column) => !columns.includes(column));
    if (absent.length > 0) throw new CommandError(`Table ${named} has no column ${absent.join(', ')}`);
    return named;
  }
  const candidates: string[] = [];
  for (const table of tables.filter((name) => name.endsWith('_product'))) {
    const columns = await tableColumns(source, table);
    if (PRODUCT_COLUMNS.every((column) => columns.includes(column))) candidates.push(table);
  }
  if (candidates.length > 1) throw new CommandError(`Several product tables (${candidates.join(', ')}); choose one with --product-table`);
  return candidates[0] ?? null;
}

async function assertEmptyTarget(db: Kysely<Database>): Promise<void> {
  const filled: string[] = [];
  for (const table of ['auth_user', 'tessera_token', 'product'] as const) {
    const { count } = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
    if (Number(count) > 0) filled.push(`${table} has ${count} rows`);
  }
  if (filled.length > 0) throw new CommandError(`The target database is not empty: ${filled.join(', ')}. Import into a fresh database.`);
}

/** After rows with explicit ids, PostgreSQL's sequences must start above them. */
async function resetSequences(db: Kysely<Database>): Promise<void> {
  for (const table of ['auth_user', 'tessera_token', 'product']) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 1), max(id) is not null) from ${sql.table(table)}`.execute(db);
  }
}

export async function importDjangoCommand(ctx: CommandContext, sourceUrl: string, options: ImportDjangoOptions): Promise<ImportCounts> {
  const sourceConfig = parseDatabaseUrl(sourceUrl, process.cwd());
  let source: Db;
  try {
    source = openDatabase(sourceConfig, { readonly: true });
  } catch (error) {
    throw new CommandError(`Cannot open the source database ${sourceUrl}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const tables = await sourceTables(source);
    for (const required of ['auth_user', 'authtoken_token']) {
      if (!tables.includes(required)) {
        throw new CommandError(`The source has no ${required} table: is it a Django database with rest_framework.authtoken?`);
      }
    }
    const productTable = await findProductTable(source, tables, options.productTable);
    const users = (await sql<SourceUser>`select id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined from auth_user order by id`.execute(source.kysely)).rows;
    const tokens = (await sql<{ key: string; created: unknown; user_id: number }>`select key, created, user_id from authtoken_token order by user_id`.execute(source.kysely)).rows;
    const products = productTable === null
      ? []
      : (await sql<{ id: number; name: string; description: string; price: unknown; created_at: unknown }>`select id, name, description, price, created_at from ${sql.table(productTable)} order by id`.execute(source.kysely)).rows;

    // Everything is converted and checked before anything is written.
    const userRows = users.map((user) => ({
      id: Number(user.id),
      password: user.password,
      last_login: user.last_login === null ? null : normalizeTimestamp(user.last_login, `user ${user.username} last_login`),
      is_superuser: flag(user.is_superuser),
      username: user.username,
      first_name: user.first_name,
      last_name: user.last_name,
      email: user.email,
      is_staff: flag(user.is_staff),
      is_active: flag(user.is_active),
      date_joined: normalizeTimestamp(user.date_joined, `user ${user.username} date_joined`),
    }));
    const tokenRows = tokens.map((token) => {
      const digest = digestKey(token.key);
      return { user_id: Number(token.user_id), key_digest: digest, key_sealed: ctx.sealer.seal(token.key, digest), created: normalizeTimestamp(token.created, `token of user ${token.user_id} created`) };
    });
    const productRows = products.map((product) => ({
      id: Number(product.id),
      name: product.name,
      description: product.description,
      price: normalizePrice(product.price, `product ${product.id} (${product.name}) price`),
      created_at: normalizeTimestamp(product.created_at, `product ${product.id} created_at`),
    }));
    const counts = { users: userRows.length, tokens: tokenRows.length, products: productRows.length };
    const summary = `${counts.users} users, ${counts.tokens} tokens, ${counts.products} products`;
    const productNote = productTable === null ? ' (no product table found)' : ` (products from ${productTable})`;

    const target = ctx.db.kysely;
    await assertEmptyTarget(target);
    if (options.dryRun) {
      ctx.out.write(`Would import ${summary} from ${sourceUrl}${productNote}. Nothing was written (--dry-run).\n`);
      return counts;
    }
    await target.transaction().execute(async (trx) => {
      // Batches keep each statement under the databases' parameter limits.
      for (let start = 0; start < userRows.length; start += 500) await trx.insertInto('auth_user').values(userRows.slice(start, start + 500)).execute();
      for (let start = 0; start < tokenRows.length; start += 500) await trx.insertInto('tessera_token').values(tokenRows.slice(start, start + 500)).execute();
      for (let start = 0; start < productRows.length; start += 500) await trx.insertInto('product').values(productRows.slice(start, start + 500)).execute();
      if (ctx.db.dialect === 'postgres') await resetSequences(trx);
    });
    ctx.out.write(`Imported ${summary} from ${sourceUrl}${productNote}.\n`);
    return counts;
  } finally {
    await source.close();
  }
}
