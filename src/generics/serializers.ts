// ModelSerializer, derived from a resource's fields (rest_framework/serializers.py):
// validation of a request's data with DRF's semantics (required, null, blank, HTML
// forms, read-only fields ignored, one list of messages per field in field order), the
// representation of a stored row, the values a create or update writes, SimpleMetadata's
// "actions" fields, and the OpenAPI schemas.
import { Type, type TObject, type TSchema } from 'typebox';
import type { AuthUser } from '../auth/schemes.js';
import { nowTimestamp } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { FormData, type RequestData } from '../http/body.js';
import type { PyJsonObject } from '../http/python-json.js';
import { FieldError, pyStr, requireDictionary, type Incoming } from '../serializers/fields.js';
import type { BoundField, Resource } from './resource.js';

/** A row as read from the database: column names (and relation display aliases) to values. */
export type StoredRow = Readonly<Record<string, unknown>>;

/** Column name to the value to write. */
export type ColumnValues = Record<string, unknown>;

const REQUIRED = 'This field is required.';
const NULL = 'This field may not be null.';

/** Does this foreign key exist? (PrimaryKeyRelatedField's queryset.get). */
export type ReferenceCheck = (table: string, column: string, key: number) => Promise<boolean>;

/** DRF's label: the verbose name with its first letter capitalized ("created_at" → "Created at"). */
export function fieldLabel(entry: BoundField): string {
  if (entry.field.label !== undefined) return entry.field.label;
  const words = entry.name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Field.validate_empty_values and get_value: what a field receives, or SKIP for "not sent".
const SKIP = Symbol('skip');

function incoming(entry: BoundField, data: RequestData, partial: boolean): Incoming | typeof SKIP {
  const { name, field } = entry;
  if (data.kind === 'json') {
    const object = data.value as PyJsonObject;
    return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
  }
  // html.is_html_input: an HTML form cannot say null or false, so absence and '' mean something.
  const form: FormData = data.value;
  if (!form.has(name)) return partial ? SKIP : field.htmlEmpty === undefined ? undefined : (field.htmlEmpty as Incoming);
  const value = form.get(name);
  if (value === '' && field.nullable) return field.allowBlank ? '' : null;
  if (value === '' && !field.required) return field.allowBlank ? '' : SKIP;
  return value;
}

export interface ModelSerializer {
  readonly resource: Resource;
  /**
   * Serializer.is_valid(): the validated values by field name, or a 400 with every
   * field's messages. A body that is not a dictionary is `non_field_errors`.
   */
  validate(data: RequestData, options: { partial: boolean; references: ReferenceCheck }): Promise<Record<string, unknown>>;
  /** The columns a create writes: validated values, defaults, auto times, the owner. */
  createValues(validated: Record<string, unknown>, user: AuthUser | null): ColumnValues;
  /** The columns an update writes: the values sent that differ, and auto_now times always. */
  updateValues(validated: Record<string, unknown>, current: StoredRow): ColumnValues;
  /** to_representation(): the row as the API shows it, fields in order. */
  represent(row: StoredRow): Record<string, unknown>;
  /** The audit log's record of a write: {field: value} for a create, {field: [old, new]} for an update. */
  changes(values: ColumnValues, current: StoredRow | null): Record<string, unknown>;
  /** SimpleMetadata's fields for OPTIONS "actions". */
  readonly actionFields: Readonly<Record<string, unknown>>;
  /** OpenAPI: the object as shown, and the body a create or update takes. */
  readonly schema: TObject;
  readonly inputSchema: TObject;
}

function metadataFor(entry: BoundField): Record<string, unknown> {
  const { field } = entry;
  // SimpleMetadata.get_field_info: type, required, then the attributes that are set, in this order.
  const info: Record<string, unknown> = { type: field.type, required: field.readOnly ? false : field.required, read_only: field.readOnly, label: fieldLabel(entry) };
  if (field.helpText !== undefined) info.help_text = field.helpText;
  for (const attribute of ['min_length', 'max_length', 'min_value', 'max_value'] as const) {
    if (field.metadata[attribute] !== undefined) info[attribute] = field.metadata[attribute];
  }
  if (!field.readOnly && field.metadata.choices !== undefined) info.choices = field.metadata.choices;
  return info;
}

/**
 * The row mapper, compiled once per resource into one object literal
 * (`{ id: row["id"], ..., created_at: convert[4](row["created_at"]) }`): every object it
 * makes has one shape from the start, which V8 builds far faster than an object grown
 * key by key, and the lists and the hot detail view pay only that.
 */
function representer(resource: Resource): (row: StoredRow) => Record<string, unknown> {
  const converters: Array<(stored: unknown) => unknown> = [];
  const properties = resource.bound.map((entry) => {
    const source = `row[${JSON.stringify(entry.displayAlias ?? entry.column)}]`;
    const convert = entry.field.represent;
    if (convert === undefined) return `${JSON.stringify(entry.name)}: ${source}`;
    converters.push(convert);
    const index = converters.length - 1;
    return `${JSON.stringify(entry.name)}: ${source} === null ? null : convert[${index}](${source})`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the names are the declaration's, quoted.
  const compiled = new Function('convert', `return function represent(row) { return { ${properties.join(', ')} }; };`);
  return compiled(converters) as (row: StoredRow) => Record<string, unknown>;
}

export function modelSerializer(resource: Resource): ModelSerializer {
  const writable = resource.bound.filter((entry) => !entry.field.readOnly);
  const represent = representer(resource);
  const byColumn = new Map(resource.bound.map((entry) => [entry.column, entry]));

  const shown = (column: string, value: unknown): unknown => {
    const convert = byColumn.get(column)?.field.represent;
    return convert === undefined || value === null ? value : convert(value);
  };

  return {
    resource,
    async validate(data, { partial, references }) {
      requireDictionary(data);
      const validated: Record<string, unknown> = {};
      const fieldErrors: Record<string, string[]> = {};
      const keysToCheck: Array<{ entry: BoundField; key: number; sent: string }> = [];
      for (const entry of writable) {
        const { name, field } = entry;
        const value = incoming(entry, data, partial);
        if (value === SKIP) continue;
        if (value === undefined) {
          if (!partial && field.required) fieldErrors[name] = [REQUIRED];
          continue;
        }
        if (value === null) {
          if (field.nullable) validated[name] = null;
          else fieldErrors[name] = [NULL];
          continue;
        }
        try {
          const parsed = field.validator!.parse(value);
          validated[name] = parsed;
          if (field.references !== undefined) keysToCheck.push({ entry, key: parsed as number, sent: pyStr(value) });
        } catch (error) {
          if (!(error instanceof FieldError)) throw error;
          fieldErrors[name] = error.messages;
        }
      }
      for (const { entry, key, sent } of keysToCheck) {
        const target = entry.field.references!;
        if (!(await references(target.table, target.column, key))) fieldErrors[entry.name] = [`Invalid pk "${sent}" - object does not exist.`];
      }
      if (Object.keys(fieldErrors).length > 0) {
        // One list per field, in the serializer's field order.
        const ordered: Record<string, string[]> = {};
        for (const entry of writable) if (fieldErrors[entry.name] !== undefined) ordered[entry.name] = fieldErrors[entry.name]!;
        throw errors.validation(ordered);
      }
      return validated;
    },
    createValues(validated, user) {
      const now = nowTimestamp();
      const values: ColumnValues = {};
      for (const entry of resource.bound) {
        const { field, name, column } = entry;
        if (field.primaryKey) continue;
        if (field.autoNow !== undefined) values[column] = now;
        else if (field.fromUser !== undefined) {
          if (user === null) throw new Error(`${resource.name}.${name} is set from the request's user, but the request has none`);
          values[column] = field.fromUser(user);
        } else if (Object.hasOwn(validated, name)) values[column] = validated[name];
        else if (field.createDefault !== undefined) values[column] = field.createDefault();
      }
      return values;
    },
    updateValues(validated, current) {
      const values: ColumnValues = {};
      for (const entry of writable) {
        if (!Object.hasOwn(validated, entry.name)) continue;
        const value = validated[entry.name];
        if (shown(entry.column, current[entry.column]) !== value) values[entry.column] = value;
      }
      // Django's save() sets auto_now fields even when nothing else changed (a PATCH of {}).
      const now = nowTimestamp();
      for (const entry of resource.bound) if (entry.field.autoNow === 'always') values[entry.column] = now;
      return values;
    },
    represent,
    changes(values, current) {
      const record: Record<string, unknown> = {};
      for (const entry of writable) {
        if (!Object.hasOwn(values, entry.column)) continue;
        const value = shown(entry.column, values[entry.column]);
        record[entry.name] = current === null ? value : [shown(entry.column, current[entry.column]), value];
      }
      return record;
    },
    actionFields: Object.fromEntries(resource.bound.map((entry) => [entry.name, metadataFor(entry)])),
    schema: Type.Object(Object.fromEntries(resource.bound.map((entry) => [entry.name, entry.field.schema]))),
    inputSchema: Type.Object(Object.fromEntries(writable.map((entry) => {
      const schema = entry.field.schema as TSchema;
      return [entry.name, entry.field.required ? schema : Type.Optional(schema)];
    }))),
  };
}
