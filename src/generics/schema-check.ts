// Migrations are frozen files (Kysely's rule), so a declaration can drift from the table
// its migrations made. This compares them: every field's column must exist with the SQL
// type and nullability the field declares (fields.ts), on the database at hand. `serve()`
// refuses to start on a mismatch, and the tests run it on both databases.
import { sql } from 'kysely';
import type { Db } from '../db/connect.js';
import type { Resource } from './resource.js';
import type { Router } from './routers.js';

// PostgreSQL reports udt names: what each declared type is called there.
const POSTGRES_NAMES: Record<string, string> = {
  bigserial: 'int8', bigint: 'int8', integer: 'int4', boolean: 'bool', text: 'text', date: 'date',
  timestamptz: 'timestamptz', varchar: 'varchar', numeric: 'numeric',
};

function expectedType(declared: string, dialect: Db['dialect']): string {
  const lower = declared.toLowerCase();
  if (dialect === 'sqlite') return lower.replace(/\s+/g, '');
  const base = lower.replace(/\(.*\)$/, '').trim();
  return POSTGRES_NAMES[base] ?? base;
}

/** The resources of these routers, each once. */
export function routerResources(routers: readonly Router[]): Resource[] {
  return [...new Set(routers.flatMap((router) => router.entries.map((entry) => entry.viewset.resource)))];
}

/** What differs between the resources' declarations and the database; empty when they agree. */
export async function schemaProblems(db: Db, routers: readonly Router[]): Promise<string[]> {
  const resources = routerResources(routers);
  if (resources.length === 0) return [];
  let tables = await db.kysely.introspection.getTables();
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
    tables = tables.filter((table) => table.schema === rows[0]?.schema);
  }
  const problems: string[] = [];
  for (const resource of resources) {
    const table = tables.find((candidate) => candidate.name === resource.table);
    if (table === undefined) {
      problems.push(`${resource.name}: table ${resource.table} does not exist`);
      continue;
    }
    for (const entry of resource.bound) {
      const column = table.columns.find((candidate) => candidate.name === entry.column);
      const where = `${resource.name}.${entry.name}: column ${resource.table}.${entry.column}`;
      if (column === undefined) {
        problems.push(`${where} does not exist`);
        continue;
      }
      const declared = entry.field.sql[db.dialect];
      const expected = expectedType(declared, db.dialect);
      const actual = db.dialect === 'sqlite' ? column.dataType.toLowerCase().replace(/\s+/g, '') : column.dataType.toLowerCase();
      if (actual !== expected) problems.push(`${where} is ${column.dataType}, the field declares ${declared}`);
      const nullable = entry.field.nullable && !entry.field.primaryKey;
      if (column.isNullable !== nullable) problems.push(`${where} is ${column.isNullable ? 'NULL' : 'NOT NULL'}, the field declares ${nullable ? 'null: true' : 'NOT NULL'}`);
    }
  }
  return problems;
}
