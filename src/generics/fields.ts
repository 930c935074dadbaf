// Model fields: a Django model field and the ModelSerializer field DRF builds from it, in
// one declaration (rest_framework/utils/field_mapping.py's get_field_kwargs). Each knows
// its column (name, SQL type on each database, NULL or not), how a request's value is
// validated (serializers/fields.ts, DRF's messages), how a stored value is shown, what
// OPTIONS prints for it (SimpleMetadata) and its OpenAPI schema. A resource lists its
// fields once (resource.ts) and everything else is derived from that list.
import { Type, type TSchema } from 'typebox';
import type { AuthUser } from '../auth/schemes.js';
import type { Dialect } from '../db/connect.js';
import { toApiDateTime } from '../db/timestamps.js';
import {
  booleanField,
  calendarDate,
  charField,
  choiceField,
  dateField,
  dateTimeField,
  decimalField,
  emailField,
  FieldError,
  integerField,
  type Field,
} from '../serializers/fields.js';

/** A column's SQL type on each database, as Tessera's migrations write it. */
export interface SqlTypes {
  readonly sqlite: string;
  readonly postgres: string;
}

/** A foreign key: the table and primary key it points at, and what is shown for it. */
export interface Reference {
  readonly table: string;
  readonly column: string;
  /** A column of the referenced row shown instead of the key (owner → username), read by a join. */
  readonly display?: string;
}

/** django-filter's exact filter for a field: the query value to compare with, or a message. */
export type FilterValue = { readonly value: unknown } | { readonly error: string } | null;

export interface ModelField<Value = unknown> {
  /** SimpleMetadata's type name: 'integer', 'string', 'choice', 'field', ... */
  readonly type: string;
  /** '' or '_id': a relation's column is `<name>_id`, as Django names it. */
  readonly columnSuffix: '' | '_id';
  readonly sql: SqlTypes;
  /** The column allows NULL and the field accepts null (Django's null=True, DRF's allow_null). */
  readonly nullable: boolean;
  /** Never written from a request (DRF's read_only): ids, auto times, the owner. */
  readonly readOnly: boolean;
  /** A create without it is `This field is required.`. */
  readonly required: boolean;
  readonly primaryKey: boolean;
  /** What a create stores when the field is not sent (Django's default; '' for text). */
  readonly createDefault?: () => unknown;
  /** auto_now_add ('create') or auto_now ('always'): the time of the write. */
  readonly autoNow?: 'create' | 'always';
  /** Set from the request's user on create (the owner). */
  readonly fromUser?: (user: AuthUser) => unknown;
  readonly references?: Reference;
  /** DRF's label; default: the name, capitalized, underscores as spaces. */
  readonly label?: string;
  readonly helpText?: string;
  /** SimpleMetadata's other attributes, in DRF's order (max_length, min_value, choices, ...). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Validation of a sent value (not null: nullable fields take null before this). */
  readonly validator: Field<Value> | null;
  /** What an HTML form that leaves the field out means (BooleanField: false). */
  readonly htmlEmpty?: unknown;
  readonly allowBlank: boolean;
  /** The stored value as JSON; absent: as stored. */
  readonly represent?: (stored: unknown) => unknown;
  /** OpenAPI schema of the shown value. */
  readonly schema: TSchema;
  /** django-filter's reading of ?name=value. */
  readonly filter: (raw: string) => FilterValue;
  /** An expression to sort by instead of the column (SQLite's text decimals sort by value). */
  readonly sortExpression?: (qualifiedColumn: string, dialect: Dialect) => string | null;
  /** Phantom: the value's TypeScript type. */
  readonly __value?: Value;
}

/** A field stored as `<name>_id` (a foreign key), so table types name the column right. */
export interface RelationField<Value = unknown> extends ModelField<Value> {
  readonly columnSuffix: '_id';
  readonly references: Reference;
}

export interface CommonOptions {
  readonly label?: string;
  readonly helpText?: string;
  /** DRF's read_only (Django's editable=False): shown, never written from a request; a create stores the default. */
  readonly readOnly?: boolean;
  /** DRF's required, when the model's rule (no default, not blank, not null) is not what you want. */
  readonly required?: boolean;
}

interface NullableOptions extends CommonOptions {
  /** Django's null=True: the column allows NULL, the field accepts null and is optional. */
  readonly null?: boolean;
}

const exactText = (raw: string): FilterValue => (raw.includes('\0') ? { error: 'Null characters are not allowed.' } : { value: raw });

function nullable(schema: TSchema, isNullable: boolean): TSchema {
  return isNullable ? Type.Union([schema, Type.Null()]) : schema;
}

// Spread last into a field, so that what a declaration says wins over the model's rules.
const common = (options: CommonOptions) => ({
  ...(options.label === undefined ? {} : { label: options.label }),
  ...(options.helpText === undefined ? {} : { helpText: options.helpText }),
  ...(options.readOnly === true ? { readOnly: true, required: false } : options.required === undefined ? {} : { required: options.required }),
});

/** Django's BigAutoField primary key: read-only, `ID` in OPTIONS. */
export function autoId(): ModelField<number> {
  return {
    type: 'integer', columnSuffix: '', sql: { sqlite: 'integer', postgres: 'bigserial' }, nullable: false,
    readOnly: true, required: false, primaryKey: true, label: 'ID', metadata: {}, validator: null, allowBlank: false,
    schema: Type.Integer({ readOnly: true }), filter: integerFilter,
  };
}

export interface CharOptions extends NullableOptions {
  readonly maxLength: number;
  /** Django's blank=True: '' is allowed and the field is optional. */
  readonly blank?: boolean;
  readonly default?: string;
  /** DRF's trim_whitespace (default true). */
  readonly trim?: boolean;
}

/** Django's CharField(max_length): DRF's CharField with its checks and messages. */
export function char(options: CharOptions): ModelField<string> {
  const blank = options.blank ?? false;
  const isNullable = options.null ?? false;
  const required = !(blank || isNullable || options.default !== undefined);
  return {
    type: 'string', columnSuffix: '', sql: { sqlite: `varchar(${options.maxLength})`, postgres: `varchar(${options.maxLength})` },
    nullable: isNullable, readOnly: false, required, primaryKey: false, ...common(options),
    createDefault: () => options.default ?? (isNullable ? null : ''),
    metadata: { max_length: options.maxLength },
    validator: charField({ required, maxLength: options.maxLength, allowBlank: blank, trimWhitespace: options.trim ?? true }),
    allowBlank: blank,
    schema: nullable(Type.String({ maxLength: options.maxLength }), isNullable), filter: exactText,
  };
}

export interface TextOptions extends NullableOptions {
  readonly blank?: boolean;
  readonly default?: string;
  readonly trim?: boolean;
}

/** Django's TextField: a CharField without a length. */
export function text(options: TextOptions = {}): ModelField<string> {
  const blank = options.blank ?? false;
  const isNullable = options.null ?? false;
  const required = !(blank || isNullable || options.default !== undefined);
  return {
    type: 'string', columnSuffix: '', sql: { sqlite: 'text', postgres: 'text' }, nullable: isNullable,
    readOnly: false, required, primaryKey: false, ...common(options),
    createDefault: () => options.default ?? (isNullable ? null : ''),
    metadata: {},
    validator: charField({ required, allowBlank: blank, trimWhitespace: options.trim ?? true }),
    allowBlank: blank, schema: nullable(Type.String(), isNullable), filter: exactText,
  };
}

/** Django's EmailField (max_length 254 by default): CharField plus Django's EmailValidator. */
export function email(options: NullableOptions & { maxLength?: number; blank?: boolean; default?: string } = {}): ModelField<string> {
  const maxLength = options.maxLength ?? 254;
  const blank = options.blank ?? false;
  const isNullable = options.null ?? false;
  const required = !(blank || isNullable || options.default !== undefined);
  return {
    type: 'email', columnSuffix: '', sql: { sqlite: `varchar(${maxLength})`, postgres: `varchar(${maxLength})` },
    nullable: isNullable, readOnly: false, required, primaryKey: false, ...common(options),
    createDefault: () => options.default ?? (isNullable ? null : ''),
    metadata: { max_length: maxLength },
    validator: emailField({ maxLength, required, allowBlank: blank }),
    allowBlank: blank, schema: nullable(Type.String({ format: 'email', maxLength }), isNullable), filter: exactText,
  };
}

function integerFilter(raw: string): FilterValue {
  // django-filter's NumberFilter (a forms.DecimalField): a number, else "Enter a number.".
  const match = /^\s*[+-]?\d+(?:\.0*)?\s*$/.exec(raw);
  if (match === null) return { error: 'Enter a number.' };
  return { value: Number.parseInt(raw, 10) };
}

export interface IntegerOptions extends NullableOptions {
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
}

/** Django's IntegerField (or a serializer IntegerField with min_value/max_value, shown in OPTIONS). */
export function integer(options: IntegerOptions = {}): ModelField<number> {
  const isNullable = options.null ?? false;
  const required = !(isNullable || options.default !== undefined);
  return {
    type: 'integer', columnSuffix: '', sql: { sqlite: 'integer', postgres: 'integer' }, nullable: isNullable,
    readOnly: false, required, primaryKey: false, ...common(options),
    ...(options.default !== undefined || isNullable ? { createDefault: () => options.default ?? null } : {}),
    metadata: { ...(options.min === undefined ? {} : { min_value: options.min }), ...(options.max === undefined ? {} : { max_value: options.max }) },
    validator: integerField({ required, minValue: options.min, maxValue: options.max }),
    allowBlank: false,
    schema: nullable(Type.Integer({ ...(options.min === undefined ? {} : { minimum: options.min }), ...(options.max === undefined ? {} : { maximum: options.max }) }), isNullable),
    filter: integerFilter,
  };
}

/**
 * Django's PositiveIntegerField. Django on SQLite gives the serializer no bounds (its
 * integer_field_range is (None, None)), so a negative number reaches the CHECK constraint
 * and answers 500; Tessera checks 0 to 2147483647 (PostgreSQL's integer, Django's bounds
 * there) with DRF's messages, and OPTIONS prints what the reference prints (no bounds).
 */
export function positiveInteger(options: NullableOptions & { default?: number } = {}): ModelField<number> {
  const field = integer(options);
  return {
    ...field,
    metadata: {},
    validator: integerField({ required: field.required, minValue: 0, maxValue: 2147483647 }),
    schema: nullable(Type.Integer({ minimum: 0, maximum: 2147483647 }), field.nullable),
  };
}

export interface DecimalOptions extends NullableOptions {
  readonly maxDigits: number;
  readonly decimalPlaces: number;
  readonly default?: string;
}

/**
 * Django's DecimalField: numeric(p, s) on PostgreSQL; text on SQLite, whose NUMERIC
 * affinity would make a float. JavaScript only ever sees the exact string.
 */
export function decimal(options: DecimalOptions): ModelField<string> {
  const isNullable = options.null ?? false;
  const required = !(isNullable || options.default !== undefined);
  const { maxDigits, decimalPlaces } = options;
  const validator = decimalField({ required, maxDigits, decimalPlaces });
  return {
    type: 'decimal', columnSuffix: '', sql: { sqlite: 'text', postgres: `numeric(${maxDigits}, ${decimalPlaces})` },
    nullable: isNullable, readOnly: false, required, primaryKey: false, ...common(options),
    ...(options.default !== undefined || isNullable ? { createDefault: () => options.default ?? null } : {}),
    metadata: {}, validator, allowBlank: false,
    schema: nullable(Type.String({
      pattern: `^-?\\d{1,${maxDigits - decimalPlaces}}\\.\\d{${decimalPlaces}}$`,
      description: `Decimal, ${maxDigits} digits, ${decimalPlaces} places, as a string`,
    }), isNullable),
    filter(raw) {
      try {
        return { value: validator.parse(raw) };
      } catch {
        return { error: 'Enter a number.' };
      }
    },
    // Text on SQLite: sort by value, not as strings.
    sortExpression: (column, dialect) => (dialect === 'sqlite' ? `cast(${column} as real)` : null),
  };
}

/** Django's BooleanField (default false unless said): DRF's true/false spellings. */
export function boolean(options: CommonOptions & { default?: boolean } = {}): ModelField<boolean> {
  const fallback = options.default ?? false;
  return {
    type: 'boolean', columnSuffix: '', sql: { sqlite: 'integer', postgres: 'boolean' }, nullable: false,
    readOnly: false, required: false, primaryKey: false, ...common(options),
    createDefault: () => fallback, metadata: {}, validator: booleanField({ required: false }),
    // An HTML checkbox that is not ticked is not sent (BooleanField.default_empty_html).
    htmlEmpty: false, allowBlank: false,
    // SQLite stores 0/1.
    represent: (stored) => stored === true || stored === 1,
    schema: Type.Boolean(),
    filter(raw) {
      // django-filter's BooleanWidget: true/false/1/0 in any case; anything else filters nothing.
      const value = ({ '1': true, '0': false, true: true, false: false } as Record<string, boolean>)[raw.toLowerCase()];
      return value === undefined ? null : { value };
    },
  };
}

export interface ChoiceOptions extends NullableOptions {
  readonly choices: ReadonlyArray<readonly [value: string, label: string]>;
  readonly default?: string;
  readonly blank?: boolean;
  /** The column's length; default: the longest choice. */
  readonly maxLength?: number;
}

/** Django's CharField(choices=...): DRF's ChoiceField. */
export function choice(options: ChoiceOptions): ModelField<string> {
  const isNullable = options.null ?? false;
  const blank = options.blank ?? false;
  const required = !(blank || isNullable || options.default !== undefined);
  const maxLength = options.maxLength ?? Math.max(...options.choices.map(([value]) => value.length));
  const values = options.choices.map(([value]) => value);
  return {
    type: 'choice', columnSuffix: '', sql: { sqlite: `varchar(${maxLength})`, postgres: `varchar(${maxLength})` },
    nullable: isNullable, readOnly: false, required, primaryKey: false, ...common(options),
    createDefault: () => options.default ?? (isNullable ? null : ''),
    metadata: { choices: options.choices.map(([value, label]) => ({ value, display_name: label })) },
    validator: choiceField({ required, choices: options.choices, allowBlank: blank }),
    allowBlank: blank,
    schema: nullable(Type.String({ enum: values }), isNullable),
    filter(raw) {
      // django-filter's ChoiceFilter (a form ChoiceField).
      return values.includes(raw) ? { value: raw } : { error: `Select a valid choice. ${raw} is not one of the available choices.` };
    },
  };
}

// Django's DATE_INPUT_FORMATS that a query string uses: %Y-%m-%d, %m/%d/%Y, %m/%d/%y.
const FILTER_DATE_FORMATS: ReadonlyArray<[RegExp, (match: RegExpExecArray) => [string, string, string]]> = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, (m) => [m[1]!, m[2]!, m[3]!]],
  [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => [m[3]!, m[1]!, m[2]!]],
  // strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
  [/^(\d{1,2})\/(\d{1,2})\/(\d{2})$/, (m) => [String((Number(m[3]) < 69 ? 2000 : 1900) + Number(m[3])), m[1]!, m[2]!]],
];

/** django-filter's DateFilter (a forms.DateField): the value stripped, in one of the formats. */
function dateFilter(raw: string): FilterValue {
  const text = raw.trim();
  for (const [pattern, parts] of FILTER_DATE_FORMATS) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const found = calendarDate(...parts(match));
    if (found !== null) return { value: found };
  }
  return { error: 'Enter a valid date.' };
}

/** Django's DateField: "YYYY-MM-DD"; date on PostgreSQL, text on SQLite (as Django keeps it). */
export function date(options: NullableOptions = {}): ModelField<string> {
  const isNullable = options.null ?? false;
  return {
    type: 'date', columnSuffix: '', sql: { sqlite: 'date', postgres: 'date' }, nullable: isNullable,
    readOnly: false, required: !isNullable, primaryKey: false, ...common(options),
    ...(isNullable ? { createDefault: () => null } : {}),
    metadata: {}, validator: dateField({ required: !isNullable }), allowBlank: false,
    schema: nullable(Type.String({ format: 'date' }), isNullable),
    filter: dateFilter,
  };
}

export interface DateTimeOptions extends NullableOptions {
  /** auto_now_add: set when the row is created; read-only. */
  readonly autoNowAdd?: boolean;
  /** auto_now: set on every save; read-only. */
  readonly autoNow?: boolean;
}

/** Django's DateTimeField: UTC with microseconds, shown as DRF shows it (…Z). */
export function dateTime(options: DateTimeOptions = {}): ModelField<string> {
  const isNullable = options.null ?? false;
  const auto = options.autoNow ? 'always' : options.autoNowAdd ? 'create' : undefined;
  return {
    type: 'datetime', columnSuffix: '', sql: { sqlite: 'text', postgres: 'timestamptz' }, nullable: isNullable,
    readOnly: auto !== undefined, required: auto === undefined && !isNullable, primaryKey: false, ...common(options),
    ...(auto === undefined ? {} : { autoNow: auto }),
    ...(isNullable ? { createDefault: () => null } : {}),
    metadata: {}, validator: auto === undefined ? dateTimeField({ required: !isNullable }) : null, allowBlank: false,
    represent: (stored) => (typeof stored === 'string' ? toApiDateTime(stored) : stored),
    schema: nullable(Type.String({ format: 'date-time', ...(auto === undefined ? {} : { readOnly: true }) }), isNullable),
    filter(raw) {
      try {
        return { value: dateTimeField().parse(raw) };
      } catch {
        return { error: 'Enter a valid date/time.' };
      }
    },
  };
}

const USER_TABLE: Reference = { table: 'auth_user', column: 'id' };

/**
 * The request's user, set on create and never from the body: Django's
 * `ForeignKey(User)` with `serializer.save(owner=request.user)` in perform_create, shown
 * as DRF's `ReadOnlyField(source='owner.username')` (or the user's id with show: 'id').
 */
export function currentUser(options: CommonOptions & { show?: 'username' | 'id' } = {}): RelationField<string | number> {
  const show = options.show ?? 'username';
  return {
    type: 'field', columnSuffix: '_id', sql: { sqlite: 'integer', postgres: 'bigint' }, nullable: false,
    readOnly: true, required: false, primaryKey: false, ...common(options),
    fromUser: (user) => user.id,
    references: show === 'username' ? { ...USER_TABLE, display: 'username' } : USER_TABLE,
    metadata: {}, validator: null, allowBlank: false,
    schema: show === 'username' ? Type.String({ readOnly: true }) : Type.Integer({ readOnly: true }),
    filter: integerFilter,
  };
}

export interface ForeignKeyOptions extends NullableOptions {
  /** The referenced table (its primary key is `id`), e.g. 'auth_user' or another resource's table. */
  readonly to: string;
}

/** Django's ForeignKey shown as its primary key (DRF's PrimaryKeyRelatedField). */
export function foreignKey(options: ForeignKeyOptions): RelationField<number> {
  const isNullable = options.null ?? false;
  return {
    type: 'field', columnSuffix: '_id', sql: { sqlite: 'integer', postgres: 'bigint' }, nullable: isNullable,
    readOnly: false, required: !isNullable, primaryKey: false, ...common(options),
    ...(isNullable ? { createDefault: () => null } : {}),
    references: { table: options.to, column: 'id' },
    metadata: {},
    validator: {
      required: !isNullable,
      parse(value) {
        // PrimaryKeyRelatedField.to_internal_value: a bool is the wrong type; the existence
        // check against the table is the serializer's (serializers.ts), since it needs the database.
        const typeName = value === true || value === false ? 'bool' : Array.isArray(value) ? 'list'
          : typeof value === 'object' && value !== null && !('text' in value) ? 'dict' : null;
        if (typeName !== null) throw new RelationTypeError(typeName);
        const text = typeof value === 'string' ? value.trim() : String((value as { text?: string }).text ?? value);
        if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new RelationTypeError(typeof value === 'string' ? 'str' : 'float');
        return Number(text);
      },
    },
    allowBlank: false, schema: nullable(Type.Integer(), isNullable), filter: integerFilter,
  };
}

/** A relation's value that is no key at all: DRF's incorrect_type. */
class RelationTypeError extends FieldError {
  constructor(typeName: string) {
    super([`Incorrect type. Expected pk value, received ${typeName}.`]);
  }
}
