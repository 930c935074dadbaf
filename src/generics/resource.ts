// A resource: a Django model and its ModelSerializer in one declaration. It names the
// table and lists the fields once; the columns, the row mapping, the table's Kysely type,
// validation, OPTIONS metadata and OpenAPI schemas all come from this list.
//
//   export const notes = defineResource({
//     name: 'Note', table: 'notes_note', display: 'title',
//     fields: { id: fields.autoId(), owner: fields.currentUser(), title: fields.char({ maxLength: 100 }), ... },
//   });
import type { Generated } from 'kysely';
import type { ModelField, RelationField } from './fields.js';

export type FieldMap = Readonly<Record<string, ModelField<any>>>;

export interface ResourceOptions<F extends FieldMap> {
  /** The model's verbose name: views are "<name> List" and "<name> Instance", as DRF names them. */
  readonly name: string;
  readonly table: string;
  /** In the order the API shows them (ModelSerializer's Meta.fields). */
  readonly fields: F;
  /** The field that names a row (Django's __str__), for the audit log. Default: the primary key. */
  readonly display?: keyof F & string;
}

/** One field with its column, as the layers below use it. */
export interface BoundField {
  readonly name: string;
  readonly column: string;
  readonly field: ModelField;
  /** The result column holding a relation's display value (owner__username), if any. */
  readonly displayAlias: string | null;
}

export interface Resource<F extends FieldMap = FieldMap> {
  readonly name: string;
  readonly table: string;
  readonly fields: F;
  readonly display: string;
  /** Every field, in order, with its column. */
  readonly bound: readonly BoundField[];
  readonly primaryKey: BoundField;
  field(name: string): BoundField | undefined;
}

export function defineResource<F extends FieldMap>(options: ResourceOptions<F>): Resource<F> {
  const bound: BoundField[] = Object.entries(options.fields).map(([name, field]) => ({
    name,
    column: `${name}${field.columnSuffix}`,
    field,
    displayAlias: field.references?.display === undefined ? null : `${name}__${field.references.display}`,
  }));
  const keys = bound.filter((entry) => entry.field.primaryKey);
  if (keys.length !== 1) throw new Error(`Resource ${options.name} needs exactly one primary key field (fields.autoId())`);
  const byName = new Map(bound.map((entry) => [entry.name, entry]));
  const display = options.display ?? keys[0]!.name;
  if (!byName.has(display)) throw new Error(`Resource ${options.name}: display field ${display} is not one of its fields`);
  return {
    name: options.name,
    table: options.table,
    fields: options.fields,
    display,
    bound,
    primaryKey: keys[0]!,
    field: (name) => byName.get(name),
  };
}

type ValueOf<Field> = Field extends ModelField<infer Value> ? Value : never;
type ColumnName<Name extends string, Field> = Field extends RelationField<any> ? `${Name}_id` : Name;
type ColumnValue<Field> = Field extends RelationField<any> ? number : ValueOf<Field>;

/** The table's row type for Kysely (`Kysely<Database & { notes_note: TableOf<typeof notes> }>`). */
export type TableOf<R extends Resource<any>> = R extends Resource<infer F> ? {
  [Name in keyof F & string as ColumnName<Name, F[Name]>]: F[Name] extends { readonly primaryKey: true } ? Generated<number> : ColumnValue<F[Name]> | null;
} : never;

/** An object as the API shows it. */
export type InstanceOf<R extends Resource<any>> = R extends Resource<infer F> ? { [Name in keyof F]: unknown } : never;
