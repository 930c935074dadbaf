// `tessera makemigrations`: the file it writes for a new resource and for a new field is
// imported and run on both databases, where schemaProblems() finds nothing and down()
// undoes it; a removed, a retyped or a re-nulled field is refused with what to write by
// hand; no change writes nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type Kysely, type Migration } from 'kysely';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { insertUser } from '../../src/auth/users.js';
import { CommandError, makeMigrationsCommand } from '../../src/cli/commands.js';
import { createMigrator } from '../../src/db/migrate.js';
import * as fields from '../../src/generics/fields.js';
import {
  defaultAppName, migrationLabel, migrationsState, nextMigrationNumber, planMigration,
} from '../../src/generics/makemigrations.js';
import { defineResource, type Resource } from '../../src/generics/resource.js';
import { simpleRouter } from '../../src/generics/routers.js';
import { schemaProblems } from '../../src/generics/schema-check.js';
import { modelViewSet } from '../../src/generics/viewsets.js';
import type { Project } from '../../src/project.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';
import { PROJECT_ROOT } from '../helpers/server.js';
import { gadgetProject, gadgets } from './gadgets.js';

const parts = defineResource({
  name: 'GadgetPart',
  table: 'test_gadget_part',
  display: 'label',
  fields: {
    id: fields.autoId(),
    owner: fields.currentUser(),
    gadget: fields.foreignKey({ to: 'test_gadget' }),
    spare_for: fields.foreignKey({ to: 'test_gadget', null: true }),
    label: fields.char({ maxLength: 30 }),
    notes: fields.text({ blank: true }),
    supplier: fields.email({ blank: true }),
    count: fields.positiveInteger({ null: true }),
    weight: fields.decimal({ maxDigits: 6, decimalPlaces: 3 }),
    fragile: fields.boolean(),
    grade: fields.choice({ choices: [['a', 'A'], ['bb', 'BB']], default: 'a' }),
    made: fields.date({ null: true }),
    checked_at: fields.dateTime({ autoNowAdd: true }),
  },
});

// Registered before the table it references: the migration still makes that one first.
const bins = defineResource({
  name: 'Bin',
  table: 'test_bin',
  fields: { id: fields.autoId(), part: fields.foreignKey({ to: 'test_gadget_part' }), shelf: fields.integer({ min: 1 }) },
});

/** Gadgets declared with these fields instead (or on top), on gadgets' migrated table. */
function gadgetsWith(changed: Record<string, fields.ModelField<any>>, without: readonly string[] = []): Resource {
  const kept = Object.fromEntries(Object.entries(gadgets.fields).filter(([name]) => !without.includes(name)));
  return defineResource({ name: 'Gadget', table: gadgets.table, display: 'name', fields: { ...kept, ...changed } });
}

function projectOf(resources: readonly Resource[], migrations: Readonly<Record<string, Migration>> = gadgetProject.migrations!): Project {
  const router = simpleRouter('/api/');
  for (const resource of resources) router.register(resource.table.replace('test_', ''), modelViewSet(resource));
  return { routers: [router], migrations };
}

const folders: string[] = [];

/** A project's migrations folder, holding the file of gadgets' migration (tests_0001_create_gadget). */
function migrationsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-makemigrations-'));
  folders.push(dir);
  writeFileSync(join(dir, 'tests_0001_create_gadget.ts'), '// gadgetMigration (test/generics/gadgets.ts)\n');
  return dir;
}

interface Generated {
  readonly out: string;
  readonly name: string;
  readonly file: string;
  readonly migration: Migration;
}

async function generate(project: Project): Promise<Generated> {
  const dir = migrationsFolder();
  let out = '';
  await makeMigrationsCommand({ out: { write: (text) => void (out += text) }, project }, { dir, name: 'tests' });
  const created = readdirSync(dir).filter((file) => file !== 'tests_0001_create_gadget.ts');
  expect(created).toHaveLength(1);
  const file = join(dir, created[0]!);
  return { out, name: created[0]!.replace(/\.ts$/, ''), file, migration: (await import(pathToFileURL(file).href)) as Migration };
}

async function refusal(project: Project): Promise<string> {
  const dir = migrationsFolder();
  const error = await makeMigrationsCommand({ out: { write: () => {} }, project }, { dir, name: 'tests' }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CommandError);
  expect(readdirSync(dir)).toEqual(['tests_0001_create_gadget.ts']);
  return (error as CommandError).message;
}

/** The generated files type-check as a project's strict tsconfig would (they import only kysely). */
function typeErrors(files: readonly string[]): string[] {
  const program = ts.createProgram([...files], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [], skipLibCheck: true, paths: { kysely: [join(PROJECT_ROOT, 'node_modules/kysely/dist/esm/index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const newResources = projectOf([gadgets, bins, parts]);
const newFields = projectOf([gadgetsWith({
  colour: fields.char({ maxLength: 10, default: "it's red" }),
  in_stock: fields.boolean({ default: true }),
  rating: fields.integer({ default: 3 }),
  weight: fields.decimal({ maxDigits: 5, decimalPlaces: 1, null: true }),
  designer: fields.foreignKey({ to: 'auth_user', null: true }),
})]);

describe('makemigrations writes', () => {
  it('a createTable for a new resource: every column, its keys and their indexes, a down()', async () => {
    const generated = await generate(newResources);
    expect(generated.name).toBe('tests_0002_create_gadget_part_and_create_bin');
    expect(generated.out).toBe([
      "Migrations for 'tests':",
      `  ${generated.file}`,
      '    + Create model GadgetPart (table test_gadget_part)',
      '    + Create model Bin (table test_bin)',
      "Add it to the project's migrations record: a static import list (Tessera never reads the folder), so it runs only once listed.",
      `In the module that declares the Project (the path is relative to ${tmpdir()}/):`,
      `  import * as m0002 from './${generated.file.split('/').at(-2)}/tests_0002_create_gadget_part_and_create_bin.js';`,
      '  migrations: { ..., tests_0002_create_gadget_part_and_create_bin: m0002 },',
      '',
    ].join('\n'));
    expect(readFileSync(generated.file, 'utf8')).toBe(`// Frozen in time: this migration must not import the project's code. Written by
// \`tessera makemigrations\` from the declarations, the same on SQLite and PostgreSQL:
//   Create model GadgetPart (table test_gadget_part)
//   Create model Bin (table test_bin)
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('test_gadget_part')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (col) => col.primaryKey().notNull())
    .addColumn('owner_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('gadget_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('test_gadget.id').onDelete('restrict'))
    .addColumn('spare_for_id', postgres ? 'bigint' : 'integer', (col) => col.references('test_gadget.id').onDelete('set null'))
    .addColumn('label', 'varchar(30)', (col) => col.notNull())
    .addColumn('notes', 'text', (col) => col.notNull())
    .addColumn('supplier', 'varchar(254)', (col) => col.notNull())
    .addColumn('count', 'integer')
    .addColumn('weight', postgres ? 'numeric(6, 3)' : 'text', (col) => col.notNull())
    .addColumn('fragile', postgres ? 'boolean' : 'integer', (col) => col.notNull())
    .addColumn('grade', 'varchar(2)', (col) => col.notNull())
    .addColumn('made', 'date')
    .addColumn('checked_at', postgres ? 'timestamptz' : 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('test_gadget_part_owner_id_idx').on('test_gadget_part').column('owner_id').execute();
  await db.schema.createIndex('test_gadget_part_gadget_id_idx').on('test_gadget_part').column('gadget_id').execute();
  await db.schema.createIndex('test_gadget_part_spare_for_id_idx').on('test_gadget_part').column('spare_for_id').execute();
  await db.schema
    .createTable('test_bin')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (col) => col.primaryKey().notNull())
    .addColumn('part_id', postgres ? 'bigint' : 'integer', (col) => col.notNull().references('test_gadget_part.id').onDelete('restrict'))
    .addColumn('shelf', 'integer', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('test_bin_part_id_idx').on('test_bin').column('part_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('test_bin').execute();
  await db.schema.dropTable('test_gadget_part').execute();
}
`);
    expect(typeErrors([generated.file])).toEqual([]);
  });

  it('an addColumn for each new field, with the NOT NULL ones\' defaults', async () => {
    const generated = await generate(newFields);
    expect(generated.name).toBe('tests_0002_add_gadget_colour_and_more');
    const text = readFileSync(generated.file, 'utf8');
    expect(text).toContain(`import { PostgresAdapter, type Kysely } from 'kysely';`);
    expect(text).toContain(`export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('test_gadget').addColumn('colour', 'varchar(10)', (col) => col.notNull().defaultTo('it\\'s red')).execute();
  await db.schema.alterTable('test_gadget').addColumn('in_stock', postgres ? 'boolean' : 'integer', (col) => col.notNull().defaultTo(true)).execute();
  await db.schema.alterTable('test_gadget').addColumn('rating', 'integer', (col) => col.notNull().defaultTo(3)).execute();
  await db.schema.alterTable('test_gadget').addColumn('weight', postgres ? 'numeric(5, 1)' : 'text').execute();
  await db.schema.alterTable('test_gadget').addColumn('designer_id', postgres ? 'bigint' : 'integer', (col) => col.references('auth_user.id').onDelete('set null')).execute();
  await db.schema.createIndex('test_gadget_designer_id_idx').on('test_gadget').column('designer_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('test_gadget_designer_id_idx').execute();
  await db.schema.alterTable('test_gadget').dropColumn('designer_id').execute();
  await db.schema.alterTable('test_gadget').dropColumn('weight').execute();
`);
    expect(typeErrors([generated.file])).toEqual([]);
  });

  it('sql.raw for a type Kysely does not name', async () => {
    const odd = defineResource({
      name: 'Odd', table: 'test_odd',
      fields: { id: fields.autoId(), code: { ...fields.char({ maxLength: 4 }), sql: { sqlite: 'character(4)', postgres: 'character(4)' } } },
    });
    const generated = await generate(projectOf([gadgets, odd]));
    const text = readFileSync(generated.file, 'utf8');
    expect(text).toContain(`import { PostgresAdapter, sql, type Kysely } from 'kysely';`);
    expect(text).toContain(`.addColumn('code', sql.raw('character(4)'), (col) => col.notNull())`);
    expect(typeErrors([generated.file])).toEqual([]);
  });
});

describe.each(DIALECTS)('the written migrations on %s', (dialect) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  async function indexes(db: Kysely<any>, table: string): Promise<string[]> {
    const query = dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null order by name`
      : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${table} and indexname like '%_idx' order by indexname`;
    return (await query.execute(db)).rows.map((row) => row.name);
  }

  it('make the new tables, which match their declarations; down() drops them', async () => {
    const { name, migration } = await generate(newResources);
    const migrations = { ...gadgetProject.migrations, [name]: migration };
    database = await createTestDatabase(dialect, { migrations });
    expect(await schemaProblems(database.db, newResources.routers!)).toEqual([]);
    const db = database.db.kysely as unknown as Kysely<any>;
    expect(await indexes(db, 'test_gadget_part')).toEqual(['test_gadget_part_gadget_id_idx', 'test_gadget_part_owner_id_idx', 'test_gadget_part_spare_for_id_idx']);
    expect(await indexes(db, 'test_bin')).toEqual(['test_bin_part_id_idx']);

    const { error } = await (await createMigrator(database.db.kysely, migrations)).migrateDown();
    expect(error).toBeUndefined();
    expect(await schemaProblems(database.db, newResources.routers!)).toEqual([
      'Bin: table test_bin does not exist',
      'GadgetPart: table test_gadget_part does not exist',
    ]);
  });

  it('add the new columns, filling the rows already there; down() drops them', async () => {
    const { name, migration } = await generate(newFields);
    database = await createTestDatabase(dialect, { migrations: gadgetProject.migrations });
    const db = database.db.kysely as unknown as Kysely<any>;
    const user = await insertUser(database.db.kysely, { username: 'maker', passwordHash: '!' });
    await db.insertInto('test_gadget').values({
      maker_id: user.id, name: 'old', contact: '', size: 1, kind: 'a', updated_at: '2024-01-01 00:00:00.000000+00:00',
    }).execute();

    const migrations = { ...gadgetProject.migrations, [name]: migration };
    const { error } = await (await createMigrator(database.db.kysely, migrations)).migrateToLatest();
    expect(error).toBeUndefined();
    expect(await schemaProblems(database.db, newFields.routers!)).toEqual([]);
    const row = await db.selectFrom('test_gadget').select(['colour', 'in_stock', 'rating', 'weight', 'designer_id']).executeTakeFirstOrThrow();
    expect(row).toEqual({ colour: "it's red", in_stock: dialect === 'sqlite' ? 1 : true, rating: 3, weight: null, designer_id: null });
    expect(await indexes(db, 'test_gadget')).toEqual(['test_gadget_designer_id_idx']);

    const down = await (await createMigrator(database.db.kysely, migrations)).migrateDown();
    expect(down.error).toBeUndefined();
    expect(await schemaProblems(database.db, gadgetProject.routers!)).toEqual([]);
    const columns = (await db.introspection.getTables()).find((table) => table.name === 'test_gadget')!.columns.map((column) => column.name);
    expect(columns).not.toContain('colour');
    expect(columns).not.toContain('designer_id');
  });
});

describe('makemigrations refuses, writing nothing,', () => {
  it('a removed or renamed field, saying what to write by hand', async () => {
    expect(await refusal(projectOf([gadgetsWith({}, ['contact'])]))).toBe([
      'Nothing was written; this change needs a migration written by hand:',
      "Gadget: column test_gadget.contact is in the table but no field declares it (a removed or renamed field); makemigrations does not do this; write the migration by hand:",
      "    removed: await db.schema.alterTable('test_gadget').dropColumn('contact').execute();",
      "    renamed: await db.schema.alterTable('test_gadget').renameColumn('contact', '<new_column>').execute();",
      '  (drop an index on the column first; in down(), add it back as the earlier migration did)',
    ].join('\n'));
    // A new field of the same type is the likely new name.
    const renamed = await refusal(projectOf([gadgetsWith({ email: fields.email({ blank: true }) }, ['contact'])]));
    expect(renamed).toContain("    renamed: await db.schema.alterTable('test_gadget').renameColumn('contact', 'email').execute();");
  });

  it('a retyped field', async () => {
    expect(await refusal(projectOf([gadgetsWith({ name: fields.text() })]))).toBe([
      'Nothing was written; this change needs a migration written by hand:',
      'Gadget.name: column test_gadget.name is varchar(20), the field declares text (a retyped field); makemigrations does not do this; write the migration by hand:',
      "    PostgreSQL: await db.schema.alterTable('test_gadget').alterColumn('name', (col) => col.setDataType('text')).execute();",
      '      (with sql`alter table test_gadget alter column name type text using name::text`.execute(db) when the values need a cast)',
      '    SQLite cannot alter a column: create the table anew (new name), copy the rows with insert ... select, drop the old table, rename the new one to it (https://www.sqlite.org/lang_altertable.html#otheralter)',
    ].join('\n'));
  });

  it('a field that became NOT NULL or nullable', async () => {
    const message = await refusal(projectOf([gadgetsWith({ size: fields.integer({ null: true }), price: fields.decimal({ maxDigits: 5, decimalPlaces: 2 }) })]));
    expect(message).toContain('Nothing was written; these changes need a migration written by hand:\n');
    expect(message).toContain("Gadget.size: column test_gadget.size is NOT NULL, the field declares null: true; makemigrations does not do this; write the migration by hand:\n    PostgreSQL: await db.schema.alterTable('test_gadget').alterColumn('size', (col) => col.dropNotNull()).execute();\n");
    expect(message).toContain("Gadget.price: column test_gadget.price is NULL, the field declares NOT NULL; makemigrations does not do this; write the migration by hand:\n    first fill the NULLs: await db.updateTable('test_gadget').set({ price: <value> }).where('price', 'is', null).execute();\n    PostgreSQL: await db.schema.alterTable('test_gadget').alterColumn('price', (col) => col.setNotNull()).execute();\n");
  });

  it('a new NOT NULL field without a default, and the rest of that run with it', async () => {
    const message = await refusal(projectOf([gadgetsWith({ stock: fields.integer(), colour: fields.char({ maxLength: 10, default: 'red' }) })]));
    expect(message).toBe([
      'Nothing was written; this change needs a migration written by hand:',
      'Gadget.stock: new column test_gadget.stock is NOT NULL and the field has no default for the rows already there.',
      '  Declare it with null: true or a default, or write the migration by hand: add the column as NULL, fill it',
      "  (db.updateTable('test_gadget').set(...)), then make it NOT NULL (PostgreSQL: alterColumn('stock', (col) => col.setNotNull());",
      '  SQLite cannot alter a column: create the table anew (new name), copy the rows with insert ... select, drop the old table, rename the new one to it (https://www.sqlite.org/lang_altertable.html#otheralter)).',
    ].join('\n'));
  });

  it('while a file in the folder is missing from the migrations record', async () => {
    const dir = migrationsFolder();
    const error = await makeMigrationsCommand({ out: { write: () => {} }, project: projectOf([gadgets], {}) }, { dir, name: 'tests' }).catch((caught: unknown) => caught);
    expect((error as CommandError).message).toBe(`${join(dir, 'tests_0001_create_gadget.ts')}: not in the project's migrations record, so not in the state this compares with; add each to the Project's migrations (a static import list) and run makemigrations again`);
  });
});

describe('makemigrations with nothing to do', () => {
  it('prints No changes detected and writes nothing', async () => {
    const dir = migrationsFolder();
    let out = '';
    await makeMigrationsCommand({ out: { write: (text) => void (out += text) }, project: gadgetProject }, { dir, name: 'tests' });
    expect(out).toBe('No changes detected\n');
    expect(readdirSync(dir)).toEqual(['tests_0001_create_gadget.ts']);
  });

  it('for declarations that agree with the state their migrations make', async () => {
    const state = await migrationsState(gadgetProject.migrations);
    expect(planMigration([gadgets], state)).toEqual({ operations: [], refusals: [] });
  });
});

describe('makemigrations names', () => {
  it('the next number after the highest in the folder, with or without the app prefix', () => {
    expect(nextMigrationNumber([])).toBe(1);
    expect(nextMigrationNumber(['0001_create_note.ts', 'notes_0003_add_note_colour.ts', 'README.md', 'index.d.ts'])).toBe(4);
  });

  it('the migration by its operations, as Django shortens a long name', () => {
    const create = { kind: 'createTable', model: 'Note', table: 'notes_note', columns: [] } as const;
    expect(migrationLabel([create])).toBe('create_note');
    expect(migrationLabel([create, { ...create, model: 'Tag' }, { ...create, model: 'Label' }])).toBe('create_note_and_more');
  });

  it('the app after the last word of the package name above the folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-makemigrations-'));
    folders.push(root);
    mkdirSync(join(root, 'src', 'migrations'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tessera-example-notes' }));
    expect(defaultAppName(join(root, 'src', 'migrations'))).toBe('notes');
    expect(defaultAppName(join(root, 'src', 'not-yet-there'))).toBe('notes');
    expect(defaultAppName(join(PROJECT_ROOT, 'examples/notes/src/migrations'))).toBe('notes');
  });
});
