// `tessera makemigrations` (Django's makemigrations): compares a project's declarations
// with the schema its migrations make, and writes one new frozen migration for what the
// declarations add. The "state" is a fresh in-memory SQLite database migrated with
// Tessera's migrations and the project's, never the user's live database (Django reads
// its migration files for the same reason: the database may be behind or ahead).
//
// What it writes, and nothing else: a new resource's table (each field's SQL type per
// dialect, NOT NULL unless nullable, the primary key, foreign keys with an index on each)
// and a new field's column (`alterTable().addColumn()`; a NOT NULL one takes the field's
// createDefault as its DEFAULT, so existing rows get a value). What could lose data or
// needs a judgement (a column no field declares, a changed type or nullability, a NOT
// NULL column without a default) is refused, with the code to write by hand; then
// nothing is written, so one run never makes half a migration.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isColumnDataType, type Migration } from 'kysely';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Project } from '../project.js';
import type { BoundField, Resource } from './resource.js';
import { routerResources } from './schema-check.js';

/** A column as the migrations left it (SQLite's declared type). */
export interface ColumnState {
  readonly name: string;
  readonly dataType: string;
  readonly isNullable: boolean;
}

export interface TableState {
  readonly name: string;
  readonly columns: readonly ColumnState[];
}

/** A new resource: its table, with every column. */
export interface CreateTable {
  readonly kind: 'createTable';
  readonly model: string;
  readonly table: string;
  readonly columns: readonly BoundField[];
}

/** A new field of an existing table; a NOT NULL column has the value existing rows get. */
export interface AddColumn {
  readonly kind: 'addColumn';
  readonly model: string;
  readonly table: string;
  readonly column: BoundField;
  readonly default?: string | number | boolean;
}

export type Operation = CreateTable | AddColumn;

export interface MigrationPlan {
  /** In the order the migration runs them: a referenced new table first. */
  readonly operations: readonly Operation[];
  /** What cannot be done safely, each with the code to write by hand. Non-empty: write nothing. */
  readonly refusals: readonly string[];
}

/** The tables that Tessera's migrations and these make, on a fresh in-memory SQLite database. */
export async function migrationsState(migrations: Readonly<Record<string, Migration>> = {}): Promise<TableState[]> {
  const db = openDatabase({ dialect: 'sqlite', path: ':memory:' });
  try {
    await migrateToLatest(db.kysely, migrations);
    const tables = await db.kysely.introspection.getTables();
    return tables.map((table) => ({
      name: table.name,
      columns: table.columns.map((column) => ({ name: column.name, dataType: column.dataType, isNullable: column.isNullable })),
    }));
  } finally {
    await db.close();
  }
}

// SQLite keeps the declared type as written; compare it as schema-check.ts does.
function sqliteType(declared: string): string {
  return declared.toLowerCase().replace(/\s+/g, '');
}

function columnNullable(entry: BoundField): boolean {
  return entry.field.nullable && !entry.field.primaryKey;
}

/** What existing rows get in a new NOT NULL column: the field's createDefault, if it is a plain value. */
function columnDefault(entry: BoundField): string | number | boolean | undefined {
  const value = entry.field.createDefault?.();
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
}

/** Each table the resources declare, with the union of its fields' columns (two resources may share one). */
function declaredTables(resources: readonly Resource[]): Array<{ model: string; table: string; columns: BoundField[] }> {
  const tables = new Map<string, { model: string; table: string; columns: BoundField[] }>();
  for (const resource of resources) {
    const entry = tables.get(resource.table) ?? { model: resource.name, table: resource.table, columns: [] };
    for (const bound of resource.bound) {
      if (!entry.columns.some((column) => column.column === bound.column)) entry.columns.push(bound);
    }
    tables.set(resource.table, entry);
  }
  return [...tables.values()];
}

const HAND_WRITTEN = 'makemigrations does not do this; write the migration by hand';
// https://www.sqlite.org/lang_altertable.html#otheralter: Django's schema editor does the same.
const SQLITE_REBUILD = 'SQLite cannot alter a column: create the table anew (new name), copy the rows with insert ... select, drop the old table, rename the new one to it (https://www.sqlite.org/lang_altertable.html#otheralter)';

/** A column type in a generated file: a string Kysely's types accept, else sql.raw(). */
function typeExpression(declared: string): string {
  return isColumnDataType(declared) ? quote(declared) : `sql.raw(${quote(declared)})`;
}

function removedColumnRefusal(model: string, table: string, column: ColumnState, candidates: readonly BoundField[]): string {
  const renames = candidates.length > 0 ? candidates.map((entry) => entry.column) : ['<new_column>'];
  return [
    `${model}: column ${table}.${column.name} is in the table but no field declares it (a removed or renamed field); ${HAND_WRITTEN}:`,
    `    removed: await db.schema.alterTable(${quote(table)}).dropColumn(${quote(column.name)}).execute();`,
    ...renames.map((name) => `    renamed: await db.schema.alterTable(${quote(table)}).renameColumn(${quote(column.name)}, ${quote(name)}).execute();`),
    '  (drop an index on the column first; in down(), add it back as the earlier migration did)',
  ].join('\n');
}

function retypedRefusal(model: string, table: string, entry: BoundField, column: ColumnState): string {
  const pgType = entry.field.sql.postgres;
  return [
    `${model}.${entry.name}: column ${table}.${entry.column} is ${column.dataType}, the field declares ${entry.field.sql.sqlite} (a retyped field); ${HAND_WRITTEN}:`,
    `    PostgreSQL: await db.schema.alterTable(${quote(table)}).alterColumn(${quote(entry.column)}, (col) => col.setDataType(${typeExpression(pgType)})).execute();`,
    `      (with sql\`alter table ${table} alter column ${entry.column} type ${pgType} using ${entry.column}::${pgType}\`.execute(db) when the values need a cast)`,
    `    ${SQLITE_REBUILD}`,
  ].join('\n');
}

function nullabilityRefusal(model: string, table: string, entry: BoundField, column: ColumnState): string {
  const toNullable = columnNullable(entry);
  const change = toNullable ? '(col) => col.dropNotNull()' : '(col) => col.setNotNull()';
  return [
    `${model}.${entry.name}: column ${table}.${entry.column} is ${column.isNullable ? 'NULL' : 'NOT NULL'}, the field declares ${toNullable ? 'null: true' : 'NOT NULL'}; ${HAND_WRITTEN}:`,
    ...(toNullable ? [] : [`    first fill the NULLs: await db.updateTable(${quote(table)}).set({ ${entry.column}: <value> }).where(${quote(entry.column)}, 'is', null).execute();`]),
    `    PostgreSQL: await db.schema.alterTable(${quote(table)}).alterColumn(${quote(entry.column)}, ${change}).execute();`,
    `    ${SQLITE_REBUILD}`,
  ].join('\n');
}

function noDefaultRefusal(model: string, table: string, entry: BoundField): string {
  return [
    `${model}.${entry.name}: new column ${table}.${entry.column} is NOT NULL and the field has no default for the rows already there.`,
    '  Declare it with null: true or a default, or write the migration by hand: add the column as NULL, fill it',
    `  (db.updateTable(${quote(table)}).set(...)), then make it NOT NULL (PostgreSQL: alterColumn(${quote(entry.column)}, (col) => col.setNotNull());`,
    `  ${SQLITE_REBUILD}).`,
  ].join('\n');
}

/** What the declarations add to the state, and what they change that only a hand can. */
export function planMigration(resources: readonly Resource[], state: readonly TableState[]): MigrationPlan {
  const existing = new Map(state.map((table) => [table.name, table]));
  const declared = declaredTables(resources);
  const newTables = new Set(declared.filter((table) => !existing.has(table.table)).map((table) => table.table));
  const creates: CreateTable[] = [];
  const adds: AddColumn[] = [];
  const refusals: string[] = [];

  for (const { model, table, columns } of declared) {
    for (const entry of columns) {
      const target = entry.field.references?.table;
      if (target !== undefined && !existing.has(target) && !newTables.has(target)) {
        refusals.push(`${model}.${entry.name}: references table ${target}, which no migration makes and no resource declares`);
      }
    }
    const current = existing.get(table);
    if (current === undefined) {
      creates.push({ kind: 'createTable', model, table, columns });
      continue;
    }
    const missing = columns.filter((entry) => !current.columns.some((column) => column.name === entry.column));
    for (const column of current.columns) {
      if (columns.some((entry) => entry.column === column.name)) continue;
      const candidates = missing.filter((entry) => sqliteType(entry.field.sql.sqlite) === sqliteType(column.dataType));
      refusals.push(removedColumnRefusal(model, table, column, candidates));
    }
    for (const entry of columns) {
      const column = current.columns.find((candidate) => candidate.name === entry.column);
      if (column === undefined) continue;
      if (sqliteType(column.dataType) !== sqliteType(entry.field.sql.sqlite)) refusals.push(retypedRefusal(model, table, entry, column));
      else if (column.isNullable !== columnNullable(entry)) refusals.push(nullabilityRefusal(model, table, entry, column));
    }
    for (const entry of missing) {
      if (entry.field.primaryKey) {
        refusals.push(`${model}.${entry.name}: primary key column ${table}.${entry.column} is missing; a table's primary key cannot be added to it, ${HAND_WRITTEN}`);
      } else if (columnNullable(entry)) {
        adds.push({ kind: 'addColumn', model, table, column: entry });
      } else {
        const value = columnDefault(entry);
        if (value === undefined) refusals.push(noDefaultRefusal(model, table, entry));
        else adds.push({ kind: 'addColumn', model, table, column: entry, default: value });
      }
    }
  }
  return { operations: [...referencedFirst(creates), ...adds], refusals };
}

/** New tables in an order where each one's referenced new tables come before it. */
function referencedFirst(creates: readonly CreateTable[]): CreateTable[] {
  const byTable = new Map(creates.map((create) => [create.table, create]));
  const ordered: CreateTable[] = [];
  const visiting = new Set<string>();
  function visit(create: CreateTable): void {
    if (ordered.includes(create) || visiting.has(create.table)) return;
    visiting.add(create.table);
    for (const entry of create.columns) {
      const target = entry.field.references === undefined ? undefined : byTable.get(entry.field.references.table);
      if (target !== undefined) visit(target);
    }
    ordered.push(create);
  }
  creates.forEach(visit);
  return ordered;
}

// ---------------------------------------------------------------- names

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
}

function fragment(operation: Operation): string {
  return operation.kind === 'createTable' ? `create_${snake(operation.model)}` : `add_${snake(operation.model)}_${operation.column.name}`;
}

/** The migration's verb_noun: create_note, add_note_colour, create_tag_and_add_note_colour, create_tag_and_more. */
export function migrationLabel(operations: readonly Operation[]): string {
  const fragments = operations.map(fragment);
  if (fragments.length === 0) return 'empty';
  if (fragments.length === 1) return fragments[0]!;
  const both = `${fragments[0]}_and_${fragments[1]}`;
  // Django truncates a long joined name the same way (MigrationAutodetector.suggest_name).
  return fragments.length === 2 && both.length <= 52 ? both : `${fragments[0]}_and_more`;
}

/** What Django prints for each operation ("+ Create model Note", "+ Add field colour to note"). */
export function describeOperation(operation: Operation): string {
  return operation.kind === 'createTable'
    ? `Create model ${operation.model} (table ${operation.table})`
    : `Add field ${operation.column.name} to ${operation.model} (column ${operation.table}.${operation.column.column})`;
}

const MIGRATION_FILE = /^(?:([a-z][a-z0-9_]*?)_)?(\d{4})_[A-Za-z0-9_]+\.(?:ts|mts|js|mjs)$/;

function isMigrationFile(file: string): boolean {
  return MIGRATION_FILE.test(file) && !/\.d\.[mc]?ts$/.test(file);
}

/** One more than the highest number of the migration files (`0001_x.ts` or `<app>_0001_x.ts`). */
export function nextMigrationNumber(files: readonly string[]): number {
  const numbers = files.filter(isMigrationFile).map((file) => Number(MIGRATION_FILE.exec(file)![2]));
  return Math.max(0, ...numbers) + 1;
}

/** `<app>_<NNNN>_<verb_noun>`, the file's name and its key in the migrations record. */
export function migrationName(app: string, number: number, label: string): string {
  return `${app}_${String(number).padStart(4, '0')}_${label}`;
}

const APP_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The default app name: the last word of the name in the nearest package.json above the
 * folder (`tessera-example-notes` → `notes`, `@acme/blog` → `blog`); null when there is none.
 */
export function defaultAppName(dir: string): string | null {
  for (let folder = dirname(resolve(dir)); ; folder = dirname(folder)) {
    const file = join(folder, 'package.json');
    if (existsSync(file)) {
      const name: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
      const word = typeof name === 'string' ? name.split(/[^A-Za-z0-9]+/).filter((part) => part !== '').at(-1)?.toLowerCase() : undefined;
      return word !== undefined && APP_NAME.test(word) ? word : null;
    }
    if (dirname(folder) === folder) return null;
  }
}

// ---------------------------------------------------------------- the file

/** A TypeScript string literal in single quotes. */
function quote(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

function columnType(entry: BoundField): string {
  const { sqlite, postgres } = entry.field.sql;
  if (sqlite === postgres) return typeExpression(sqlite);
  const choice = `postgres ? ${quote(postgres)} : ${quote(sqlite)}`;
  return isColumnDataType(sqlite) && isColumnDataType(postgres) ? choice : `sql.raw(${choice})`;
}

/** currentUser: the owner's rows go with the user (Django's on_delete=CASCADE, as the notes). */
function onDelete(entry: BoundField): string {
  if (entry.field.fromUser !== undefined) return 'cascade';
  // fields.foreignKey declares no on_delete: a nullable key is cleared (SET_NULL), a NOT NULL
  // one keeps the referenced row from being deleted (PROTECT); edit the file to choose otherwise.
  return columnNullable(entry) ? 'set null' : 'restrict';
}

function columnBuilder(entry: BoundField, value?: string | number | boolean): string {
  const calls: string[] = [];
  if (entry.field.primaryKey) calls.push('primaryKey()');
  if (!columnNullable(entry)) calls.push('notNull()');
  const reference = entry.field.references;
  if (reference !== undefined) calls.push(`references(${quote(`${reference.table}.${reference.column}`)})`, `onDelete(${quote(onDelete(entry))})`);
  if (value !== undefined) calls.push(`defaultTo(${literal(value)})`);
  return calls.length === 0 ? '' : `, (col) => col.${calls.join('.')}`;
}

function addColumn(entry: BoundField, value?: string | number | boolean): string {
  return `.addColumn(${quote(entry.column)}, ${columnType(entry)}${columnBuilder(entry, value)})`;
}

function indexName(table: string, column: string): string {
  return `${table}_${column}_idx`;
}

function createIndex(table: string, entry: BoundField): string {
  return `  await db.schema.createIndex(${quote(indexName(table, entry.column))}).on(${quote(table)}).column(${quote(entry.column)}).execute();`;
}

function upLines(operation: Operation): string[] {
  if (operation.kind === 'createTable') {
    const keys = operation.columns.filter((entry) => entry.field.references !== undefined);
    return [
      '  await db.schema',
      `    .createTable(${quote(operation.table)})`,
      ...operation.columns.map((entry) => `    ${addColumn(entry)}`),
      '    .execute();',
      ...keys.map((entry) => createIndex(operation.table, entry)),
    ];
  }
  const { table, column } = operation;
  return [
    `  await db.schema.alterTable(${quote(table)})${addColumn(column, operation.default)}.execute();`,
    ...(column.field.references === undefined ? [] : [createIndex(table, column)]),
  ];
}

function downLines(operation: Operation): string[] {
  if (operation.kind === 'createTable') return [`  await db.schema.dropTable(${quote(operation.table)}).execute();`];
  const { table, column } = operation;
  return [
    // SQLite drops no column that an index uses.
    ...(column.field.references === undefined ? [] : [`  await db.schema.dropIndex(${quote(indexName(table, column.column))}).execute();`]),
    `  await db.schema.alterTable(${quote(table)}).dropColumn(${quote(column.column)}).execute();`,
  ];
}

function usesPostgres(operation: Operation): boolean {
  const columns = operation.kind === 'createTable' ? operation.columns : [operation.column];
  return columns.some((entry) => entry.field.sql.sqlite !== entry.field.sql.postgres);
}

/** The migration file's text: frozen (imports only kysely), with up() and down(). */
export function renderMigration(operations: readonly Operation[]): string {
  const postgres = operations.some(usesPostgres);
  const up = operations.flatMap(upLines);
  const down = [...operations].reverse().flatMap(downLines);
  const usesSql = up.some((line) => line.includes('sql.raw('));
  const imports = [...(postgres ? ['PostgresAdapter'] : []), ...(usesSql ? ['sql'] : []), 'type Kysely'];
  return [
    "// Frozen in time: this migration must not import the project's code. Written by",
    '// `tessera makemigrations` from the declarations, the same on SQLite and PostgreSQL:',
    ...operations.map((operation) => `//   ${describeOperation(operation)}`),
    `import { ${imports.join(', ')} } from 'kysely';`,
    '',
    'export async function up(db: Kysely<any>): Promise<void> {',
    ...(postgres ? ['  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;'] : []),
    ...up,
    '}',
    '',
    'export async function down(db: Kysely<any>): Promise<void> {',
    ...down,
    '}',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- the command's work

export interface MakeMigrationsOptions {
  /** Where the migration files live (relative to the working directory). */
  readonly dir: string;
  /** The file prefix; default: defaultAppName(dir). */
  readonly app?: string;
}

export type MakeMigrationsResult =
  | { readonly written: false }
  | {
    readonly written: true;
    readonly app: string;
    /** The new file, as dir joined with its name. */
    readonly path: string;
    /** Its key in the project's migrations record (the file's name without .ts). */
    readonly name: string;
    readonly operations: readonly Operation[];
  };

/** Refused: nothing was written; the message says what to write by hand. */
export class MakeMigrationsError extends Error {}

/** Files in the folder that the project's migrations record does not list: run, they would repeat a migration. */
function unlistedFiles(files: readonly string[], migrations: Readonly<Record<string, Migration>>): string[] {
  const names = Object.keys(migrations);
  return files.filter(isMigrationFile).filter((file) => {
    const stem = file.replace(/\.[a-z]+$/, '');
    return !names.some((name) => name === stem || name.endsWith(`_${stem}`));
  });
}

/** Compares the project with its migrations' state and writes one new migration file, or nothing. */
export async function makeMigrations(project: Project, options: MakeMigrationsOptions): Promise<MakeMigrationsResult> {
  const app = options.app ?? defaultAppName(options.dir);
  if (app === null) throw new MakeMigrationsError(`No app name: no package.json with a name above ${options.dir}; give one with --name <app>`);
  if (!APP_NAME.test(app)) throw new MakeMigrationsError(`The app name ${app} is not lowercase letters, digits and underscores`);
  const files = existsSync(options.dir) ? readdirSync(options.dir) : [];
  const migrations = project.migrations ?? {};
  const unlisted = unlistedFiles(files, migrations);
  if (unlisted.length > 0) {
    throw new MakeMigrationsError(
      `${unlisted.map((file) => join(options.dir, file)).join(', ')}: not in the project's migrations record, so not in the state `
      + "this compares with; add each to the Project's migrations (a static import list) and run makemigrations again");
  }
  let state: TableState[];
  try {
    state = await migrationsState(migrations);
  } catch (error) {
    throw new MakeMigrationsError(`The migrations do not run on a fresh SQLite database: ${error instanceof Error ? error.message : String(error)}`);
  }
  const plan = planMigration(routerResources(project.routers ?? []), state);
  if (plan.refusals.length > 0) {
    throw new MakeMigrationsError(`Nothing was written; ${plan.refusals.length === 1 ? 'this change needs' : 'these changes need'} a migration written by hand:\n${plan.refusals.join('\n')}`);
  }
  if (plan.operations.length === 0) return { written: false };
  const name = migrationName(app, nextMigrationNumber(files), migrationLabel(plan.operations));
  const path = join(options.dir, `${name}.ts`);
  mkdirSync(options.dir, { recursive: true });
  // 'wx': never overwrite a file that is there.
  writeFileSync(path, renderMigration(plan.operations), { flag: 'wx' });
  return { written: true, app, path, name, operations: plan.operations };
}

/** The lines to add to the module that declares the Project (its path relative to the folder's parent). */
export function registrationLines(dir: string, name: string): string[] {
  const variable = `m${/_(\d{4})_/.exec(name)?.[1] ?? '0000'}`;
  return [`import * as ${variable} from './${basename(resolve(dir))}/${name}.js';`, `migrations: { ..., ${name}: ${variable} },`];
}
