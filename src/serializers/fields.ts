// DRF's serializer fields (rest_framework/fields.py, 3.14): CharField, DecimalField,
// IntegerField, BooleanField, ChoiceField, DateField, DateTimeField and EmailField with
// their exact checks, order and messages, and the Serializer loop that collects one list
// of messages per field. The generics layer (src/generics/fields.ts) builds model fields on them.
import type { RequestData } from '../http/body.js';
import { UploadedFile } from '../http/body.js';
import { PyNumber, pythonTypeName, type PyJson, type PyJsonObject } from '../http/python-json.js';
import { errors } from '../errors.js';
import { storedFromParts } from '../db/timestamps.js';
import { asciiDigits, pythonInt } from '../http/params.js';

/** A value as a field receives it; `undefined` means the key was not sent. */
export type Incoming = PyJson | UploadedFile | undefined;

export class FieldError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join(' '));
  }
}

export interface Field<T> {
  readonly required: boolean;
  /** Converts and validates one incoming value, or throws FieldError. */
  parse(value: Exclude<Incoming, undefined>): T;
}

const REQUIRED = 'This field is required.';
const NULL = 'This field may not be null.';

// Python's str.isspace() set, which str.strip() removes (JavaScript's trim() differs).
const PY_WHITESPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');

export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** Python's str() of a value a field may be handed, as DRF formats "{input}" in a message. */
export function pyStr(value: Exclude<Incoming, undefined>): string {
  if (typeof value === 'string') return value;
  if (value instanceof PyNumber) return value.text;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (value instanceof UploadedFile) return value.name;
  return pyRepr(value);
}

/** Python's repr() of a parsed JSON value, as str() of a list or dict shows its items. */
function pyRepr(value: PyJson): string {
  if (typeof value === 'string') {
    // repr() prefers single quotes, and uses double ones when only those avoid escaping.
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!);
    return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
  }
  if (value === null || value === true || value === false || value instanceof PyNumber) return pyStr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(value).map(([key, item]) => `${pyRepr(key)}: ${pyRepr(item)}`).join(', ')}}`;
}

function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A well-formed surrogate pair is one code point, as Python counts.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

function firstLoneSurrogate(text: string): number | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return code;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return code;
  }
  return null;
}

export interface CharFieldOptions {
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly allowBlank?: boolean;
  readonly trimWhitespace?: boolean;
}

export function charField(options: CharFieldOptions = {}): Field<string> {
  const { required = true, maxLength, allowBlank = false, trimWhitespace = true } = options;
  return {
    required,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      // CharField.run_validation: blank is judged before the type.
      if (value === '' || (trimWhitespace && pyStrip(pyStr(value)) === '')) {
        if (!allowBlank) throw new FieldError(['This field may not be blank.']);
        return '';
      }
      if (typeof value !== 'string' && !(value instanceof PyNumber)) throw new FieldError(['Not a valid string.']);
      const text = trimWhitespace ? pyStrip(pyStr(value)) : pyStr(value);
      const messages: string[] = [];
      if (maxLength !== undefined && codePointLength(text) > maxLength) {
        messages.push(`Ensure this field has no more than ${maxLength} characters.`);
      }
      if (text.includes('\0')) messages.push('Null characters are not allowed.');
      const surrogate = firstLoneSurrogate(text);
      if (surrogate !== null) {
        messages.push(`Surrogate characters are not allowed: U+${surrogate.toString(16).toUpperCase()}.`);
      }
      if (messages.length > 0) throw new FieldError(messages);
      return text;
    },
  };
}

// Python's Decimal() syntax (ASCII digits; underscores between digits as PEP 515 allows).
const DIGITS = '\\d(?:_?\\d)*';
const DECIMAL_SYNTAX = new RegExp(`^([+-]?)(?:(${DIGITS})(?:\\.(${DIGITS})?)?|\\.(${DIGITS}))(?:[eE]([+-]?${DIGITS}))?$`);
const SPECIAL_DECIMAL = /^[+-]?(?:inf(?:inity)?|s?nan\d*)$/i;

export interface DecimalFieldOptions {
  readonly required?: boolean;
  readonly maxDigits: number;
  readonly decimalPlaces: number;
}

/** A validated decimal as its canonical string with exactly `decimalPlaces` places. */
export function decimalField(options: DecimalFieldOptions): Field<string> {
  const { required = true, maxDigits, decimalPlaces } = options;
  const maxWholeDigits = maxDigits - decimalPlaces;
  const invalid = (): FieldError => new FieldError(['A valid number is required.']);
  return {
    required,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      if (typeof value !== 'string' && !(value instanceof PyNumber)) throw invalid();
      // Decimal() reads any Unicode decimal digit, as int() does.
      const text = asciiDigits(pyStrip(pyStr(value)));
      if (codePointLength(text) > 1000) throw new FieldError(['String value too large.']);
      if (SPECIAL_DECIMAL.test(text)) throw invalid();
      const match = DECIMAL_SYNTAX.exec(text);
      if (match === null) throw invalid();
      const [, sign = '', intPart = '', fracPartA, fracPartB, exponentPart] = match;
      const fraction = (fracPartA ?? fracPartB ?? '').replace(/_/g, '');
      const coefficient = (intPart.replace(/_/g, '') + fraction).replace(/^0+(?=\d)/, '');
      const exponent = Number(exponentPart?.replace(/_/g, '') ?? '0') - fraction.length;
      if (!Number.isFinite(exponent)) throw invalid();
      // DRF's validate_precision, from Decimal.as_tuple() (digits, exponent).
      const digitCount = coefficient.length;
      let totalDigits: number;
      let wholeDigits: number;
      let places: number;
      if (exponent >= 0) {
        totalDigits = digitCount + exponent;
        wholeDigits = totalDigits;
        places = 0;
      } else if (digitCount > -exponent) {
        totalDigits = digitCount;
        wholeDigits = digitCount + exponent;
        places = -exponent;
      } else {
        totalDigits = -exponent;
        wholeDigits = 0;
        places = totalDigits;
      }
      if (totalDigits > maxDigits) throw new FieldError([`Ensure that there are no more than ${maxDigits} digits in total.`]);
      if (places > decimalPlaces) throw new FieldError([`Ensure that there are no more than ${decimalPlaces} decimal places.`]);
      if (wholeDigits > maxWholeDigits) {
        throw new FieldError([`Ensure that there are no more than ${maxWholeDigits} digits before the decimal point.`]);
      }
      // Quantize to exactly `decimalPlaces` places; exact, as the checks bound the size.
      const scaled = BigInt(coefficient) * 10n ** BigInt(exponent + decimalPlaces);
      const digits = scaled.toString().padStart(decimalPlaces + 1, '0');
      const whole = digits.slice(0, digits.length - decimalPlaces);
      const fractionOut = digits.slice(digits.length - decimalPlaces);
      const negative = sign === '-' && scaled !== 0n;
      return `${negative ? '-' : ''}${whole}${decimalPlaces > 0 ? `.${fractionOut}` : ''}`;
    },
  };
}

function incomingValue(data: RequestData, name: string): Incoming {
  if (data.kind === 'form') return data.value.get(name);
  const object = data.value as PyJsonObject;
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

export type Fields = Record<string, Field<unknown>>;
export type Parsed<F extends Fields> = { [K in keyof F]?: F[K] extends Field<infer T> ? T : never };

/** Serializer.to_internal_value's first check: the body is a dictionary (a form always is). */
export function requireDictionary(data: RequestData): void {
  if (data.kind !== 'json') return;
  const value = data.value;
  if (value === null) throw errors.nonField('No data provided');
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof PyNumber) {
    throw errors.nonField(`Invalid data. Expected a dictionary, but got ${pythonTypeName(value)}.`);
  }
}

/**
 * Serializer.run_validation: the body must be a dictionary, then every writable field is
 * validated and all errors are reported together, one list per field, in field order.
 */
export function validateData<F extends Fields>(fields: F, data: RequestData, options: { partial: boolean }): Parsed<F> {
  requireDictionary(data);
  const result: Record<string, unknown> = {};
  const fieldErrors: Record<string, string[]> = {};
  for (const [name, field] of Object.entries(fields)) {
    const incoming = incomingValue(data, name);
    if (incoming === undefined) {
      if (!options.partial && field.required) fieldErrors[name] = [REQUIRED];
      continue;
    }
    try {
      result[name] = field.parse(incoming);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      fieldErrors[name] = error.messages;
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
  return result as Parsed<F>;
}

// BooleanField's accepted spellings (rest_framework/fields.py).
const TRUE_VALUES = new Set(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1']);
const FALSE_VALUES = new Set(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0']);

/** A boolean as DRF's BooleanField reads it, or null when it is none of its spellings. */
export function parseBoolean(value: Exclude<Incoming, undefined>): boolean | null {
  if (value === true || value === false) return value;
  if (value instanceof PyNumber) {
    // 1 and 1.0 are both in TRUE_VALUES for Python (1 == 1.0 == True).
    const number = Number(value.text);
    if (number === 1) return true;
    if (number === 0) return false;
  }
  if (typeof value === 'string') {
    if (TRUE_VALUES.has(value)) return true;
    if (FALSE_VALUES.has(value)) return false;
  }
  return null;
}

export function booleanField(options: { required?: boolean } = {}): Field<boolean> {
  return {
    required: options.required ?? false,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      const parsed = parseBoolean(value);
      if (parsed === null) throw new FieldError(['Must be a valid boolean.']);
      return parsed;
    },
  };
}

// Django's EmailValidator, simplified to its common shape: a local part of dot-separated
// atoms, an @, and a domain of dot-separated labels with a letter TLD (or an IP literal).
const EMAIL_LOCAL = /^[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*$/;
const EMAIL_DOMAIN = /^((?!-)[\p{L}\p{N}-]{1,63}(?<!-)\.)+(?!-)([\p{L}-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)$/u;
const EMAIL_IP_LITERAL = /^\[(\d{1,3}\.){3}\d{1,3}\]$/;

export function isValidEmail(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!EMAIL_LOCAL.test(local)) return false;
  return domain === 'localhost' || EMAIL_DOMAIN.test(domain) || EMAIL_IP_LITERAL.test(domain);
}

/** DRF's EmailField as a ModelSerializer makes it for Django's optional email column. */
export function emailField(options: { maxLength: number; required?: boolean; allowBlank?: boolean }): Field<string> {
  const required = options.required ?? false;
  const text = charField({ required, allowBlank: options.allowBlank ?? true, maxLength: options.maxLength });
  return {
    required,
    parse(value) {
      const email = text.parse(value);
      if (email !== '' && !isValidEmail(email)) throw new FieldError(['Enter a valid email address.']);
      return email;
    },
  };
}

// IntegerField.re_decimal: "1.0" and "1.00 " read as 1, "1.5" does not.
const TRAILING_ZERO_FRACTION = /\.0*\s*$/;

export interface IntegerFieldOptions {
  readonly required?: boolean;
  readonly minValue?: number;
  readonly maxValue?: number;
}

/** DRF's IntegerField: int(str(value)) after dropping a zero fraction, then the bounds. */
export function integerField(options: IntegerFieldOptions = {}): Field<number> {
  const { required = true, minValue, maxValue } = options;
  return {
    required,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      if (typeof value === 'string' && codePointLength(value) > 1000) throw new FieldError(['String value too large.']);
      // str() of a list, an object, a bool or a file is never an int.
      if (typeof value !== 'string' && !(value instanceof PyNumber)) throw new FieldError(['A valid integer is required.']);
      const number = pythonInt(pyStr(value).replace(TRAILING_ZERO_FRACTION, ''));
      if (number === null) throw new FieldError(['A valid integer is required.']);
      // The validators run in turn and all their messages are reported (max first, as DRF appends it first).
      const messages: string[] = [];
      if (maxValue !== undefined && number > BigInt(maxValue)) messages.push(`Ensure this value is less than or equal to ${maxValue}.`);
      if (minValue !== undefined && number < BigInt(minValue)) messages.push(`Ensure this value is greater than or equal to ${minValue}.`);
      if (messages.length > 0) throw new FieldError(messages);
      if (number > BigInt(Number.MAX_SAFE_INTEGER) || number < BigInt(Number.MIN_SAFE_INTEGER)) {
        // Beyond what a column holds anyway; DRF would pass it on and the database would fail.
        throw new FieldError([`Ensure this value is less than or equal to ${Number.MAX_SAFE_INTEGER}.`]);
      }
      return Number(number);
    },
  };
}

export interface ChoiceFieldOptions {
  readonly required?: boolean;
  readonly choices: ReadonlyArray<readonly [value: string, label: string]>;
  readonly allowBlank?: boolean;
}

/** DRF's ChoiceField: str(value) must be one of the choices' values. */
export function choiceField(options: ChoiceFieldOptions): Field<string> {
  const { required = true, allowBlank = false } = options;
  const values = new Set(options.choices.map(([value]) => value));
  return {
    required,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      if (value === '' && allowBlank) return '';
      const text = pyStr(value);
      if (!values.has(text)) throw new FieldError([`"${text}" is not a valid choice.`]);
      return text;
    },
  };
}

// Django 3.2's parse_date and parse_datetime (django/utils/dateparse.py); Python's `$` before one final newline.
// also matches before one final newline, and `\d` is any Unicode decimal digit.
const DATE_RE = /^(\p{Nd}{4})-(\p{Nd}{1,2})-(\p{Nd}{1,2})\n?$/u;
const DATETIME_RE = /^(\p{Nd}{4})-(\p{Nd}{1,2})-(\p{Nd}{1,2})[T ](\p{Nd}{1,2}):(\p{Nd}{1,2})(?::(\p{Nd}{1,2})(?:[.,](\p{Nd}{1,6})\p{Nd}{0,6})?)?\s*(Z|[+-]\p{Nd}{2}(?::?\p{Nd}{2})?)?\n?$/u;

const pad = (text: string, width: number): string => text.padStart(width, '0');

/** A real calendar date as "YYYY-MM-DD", or null (2026-02-30, month 13). */
export function calendarDate(year: string, month: string, day: string): string | null {
  const text = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || Number(year) < 1 || date.toISOString().slice(0, 10) !== text) return null;
  return text;
}

/** DRF's DateField with ISO 8601 input: "YYYY-MM-DD" (one-digit month and day allowed). */
export function dateField(options: { required?: boolean } = {}): Field<string> {
  const invalid = (): FieldError => new FieldError(['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.']);
  return {
    required: options.required ?? true,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      if (typeof value !== 'string') throw invalid();
      const match = DATE_RE.exec(value);
      const date = match === null ? null : calendarDate(asciiDigits(match[1]!), asciiDigits(match[2]!), asciiDigits(match[3]!));
      if (date === null) throw invalid();
      return date;
    },
  };
}

const DATETIME_FORMAT_HINT = 'YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]';

/** DRF's DateTimeField with ISO 8601 input (USE_TZ, UTC): the moment as stored ("2026-12-01 10:00:00.000000"). */
export function dateTimeField(options: { required?: boolean } = {}): Field<string> {
  const invalid = (): FieldError => new FieldError([`Datetime has wrong format. Use one of these formats instead: ${DATETIME_FORMAT_HINT}.`]);
  return {
    required: options.required ?? true,
    parse(value) {
      if (value === null) throw new FieldError([NULL]);
      if (typeof value !== 'string') throw invalid();
      const match = DATETIME_RE.exec(asciiDigits(value));
      if (match === null) throw invalid();
      const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
      const date = calendarDate(year!, month!, day!);
      if (date === null || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw invalid();
      const stored = storedFromParts(date, `${pad(hour!, 2)}:${pad(minute!, 2)}:${pad(second, 2)}`, fraction, zone);
      if (stored === null) throw invalid();
      return stored;
    },
  };
}
