// A JSON reader that answers exactly as DRF's JSONParser does (Python's json.load over a
// strict UTF-8 decode), including its error messages, which clients see as
// `JSON parse error - <message>`. JSON.parse alone cannot be used for two reasons: its
// errors differ, and it loses the difference between `1` and `1.0`, which DRF's
// DecimalField and CharField see (Python keeps ints and floats apart, and str(1.0) is
// "1.0").
//
// Two readers, one answer:
// - readNatively() is the fast path for a valid body: JSON.parse does the work, after one
//   pass over the text that checks what JSON.parse cannot (the depth Python refuses, ints
//   too long for Python) and turns each number JSON.parse would blur (`1.0`, `1e2`, a
//   long int) into a tagged string, so the result keeps Python's int/float and exact
//   digits. It gives up (NOT_NATIVE) on any body it cannot answer exactly as Python would,
//   which is to say on every invalid one, and on one with more such numbers than it is
//   worth tagging (the exact reader reads those faster).
// - readExactly() is Python's decoder, read from CPython 3.11's Modules/_json.c, and gives
//   Python's error message and position. It keeps its own stack, never the call stack.
// Both are linear in the body, whose size BODY_LIMIT bounds (src/http/body.ts), and
// test/http/python-json.test.ts checks that they agree on generated bodies.
//
// Objects are plain objects whose keys are own data properties (`__proto__` too, as
// JSON.parse makes them): read them with Object.hasOwn. Python keeps the last of duplicate
// keys, in the first one's place, and so do both readers.

/** A JSON number as Python holds it: an int, or a float with Python's repr. */
export class PyNumber {
  constructor(
    /** str() of the Python value: "5", "100.0", "1e+16", "inf". */
    readonly text: string,
    readonly isFloat: boolean,
  ) {}
}

export type PyJson = null | boolean | string | PyNumber | PyJson[] | PyJsonObject;
export interface PyJsonObject {
  [key: string]: PyJson;
}

export class PyJsonError extends Error {}

/** Python's float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // Both languages print the shortest digits that round-trip; in this range JavaScript
    // writes them in fixed notation as Python does, but an integral float without ".0".
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let out: string;
  if (exponent >= -5 + 1 && exponent < 16) {
    // Fixed notation, always with a fractional part.
    if (exponent >= 0) {
      const whole = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, '0');
      const fraction = digits.length > exponent + 1 ? digits.slice(exponent + 1) : '0';
      out = `${whole}.${fraction}`;
    } else {
      out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
  } else {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exponent < 0 ? '-' : '+';
    out = `${head}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return negative ? `-${out}` : out;
}

// ---------------------------------------------------------------- UTF-8, as CPython reports it

function utf8Error(bytes: Uint8Array, start: number, end: number, reason: string): PyJsonError {
  // end is inclusive; CPython names one byte by value and a range by positions.
  if (end === start) {
    const hex = bytes[start]!.toString(16).padStart(2, '0');
    return new PyJsonError(`'utf-8' codec can't decode byte 0x${hex} in position ${start}: ${reason}`);
  }
  return new PyJsonError(`'utf-8' codec can't decode bytes in position ${start}-${end}: ${reason}`);
}

/** Strict UTF-8 decoding with CPython's error messages (as DRF's JSONParser decodes). */
export function decodeUtf8Strictly(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // Find the first bad sequence to describe it the way Python does.
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else {
      throw utf8Error(bytes, i, i, 'invalid start byte');
    }
    for (let k = 1; k <= need; k++) {
      const position = i + k;
      // DRF decodes through a codecs StreamReader, which keeps an incomplete sequence at the
      // very end for more input that never comes: those bytes are silently dropped.
      if (position >= bytes.length) return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, i));
      const c = bytes[position]!;
      const lo = k === 1 ? low : 0x80;
      const hi = k === 1 ? high : 0xbf;
      if (c < lo || c > hi) throw utf8Error(bytes, i, position - 1, 'invalid continuation byte');
    }
    i += need + 1;
  }
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

// ---------------------------------------------------------------- what both readers share

/**
 * Nesting Python refuses: under DRF on Python 3.11 (the reference), the 941st nested array
 * or object raises RecursionError (sys.getrecursionlimit() is 1000, less the frames of the
 * Django and DRF stack above the parser), measured on /api/token-auth/ and /api/products/.
 * DRF does not catch it and answers 500; Tessera answers a parse error there.
 */
export const MAX_DEPTH = 940;

/** sys.get_int_max_str_digits(): Python 3.11 refuses to read a longer int (CVE-2020-10735). */
const MAX_INT_DIGITS = 4300;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function skipWhitespace(text: string, index: number): number {
  let i = index;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return i;
    i += 1;
  }
}

/** Python's JSONDecodeError text. Python counts positions in code points, JavaScript in UTF-16 units. */
function positionError(text: string, message: string, index: number): PyJsonError {
  let lineno = 1;
  let lineStart = 0;
  let pairs = 0;
  let pairsBeforeLine = 0;
  for (let i = 0; i < index; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      lineno += 1;
      lineStart = i + 1;
      pairsBeforeLine = pairs;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      // A decoded body holds only whole pairs: the high half always has its low half.
      pairs += 1;
    }
  }
  const char = index - pairs;
  const colno = index - lineStart - (pairs - pairsBeforeLine) + 1;
  return new PyJsonError(`${message}: line ${lineno} column ${colno} (char ${char})`);
}

/**
 * The ints from -128 to 1023, made once: a body of small ints (`[0,0,0,…]`, 1.3 million in
 * 2.5 MB) then costs no allocation per number. A PyNumber is never changed, so one can be shared.
 */
const SMALL_INTS: readonly PyNumber[] = Array.from({ length: 1152 }, (_, i) => new PyNumber(String(i - 128), false));

/** An int JSON.parse read exactly (at most 15 digits): Python's int. */
function pyInt(value: number): PyNumber {
  return value >= -128 && value < 1024 ? SMALL_INTS[value + 128]! : new PyNumber(String(value), false);
}

/** A number's lexeme as Python's json reads it (int() or float() of the text). */
function pyNumber(lexeme: string, isFloat: boolean): PyNumber {
  if (isFloat) return new PyNumber(isFloatRepr(lexeme) ? lexeme : pythonFloatRepr(Number(lexeme)), true);
  // JSON allows no leading zeros, so an int's digits are already its str(), but for -0.
  return lexeme.length <= 4 ? pyInt(Number(lexeme)) : new PyNumber(lexeme, false);
}

/**
 * Whether a float's lexeme is already Python's repr of it (`2.5`, `10.0`, `-0.0`): a plain
 * decimal of at most 15 digits (so no shorter one names the same double), no trailing zero
 * but a lone `.0`, and no lower than 1e-4 (where repr turns to `1e-05`).
 */
function isFloatRepr(lexeme: string): boolean {
  const point = lexeme.indexOf('.');
  if (point === -1) return false;
  const sign = lexeme.charCodeAt(0) === 0x2d ? 1 : 0;
  const fractionDigits = lexeme.length - point - 1;
  if (point - sign + fractionDigits > 15) return false;
  for (let i = point + 1; i < lexeme.length; i++) if (lexeme.charCodeAt(i) === 0x65 || lexeme.charCodeAt(i) === 0x45) return false;
  if (fractionDigits === 1) return true;
  if (lexeme.charCodeAt(lexeme.length - 1) === 0x30) return false;
  return !(point - sign === 1 && lexeme.charCodeAt(sign) === 0x30 && lexeme.startsWith('0000', point + 1));
}

function tooManyDigits(digits: number): PyJsonError {
  return new PyJsonError(
    `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`,
  );
}

/** Stores a key as JSON.parse does: an own data property, even for `__proto__`. */
function setKey(object: PyJsonObject, key: string, value: PyJson): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

// ---------------------------------------------------------------- the exact reader

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;
/** A run of string characters that need no attention: not a quote, a backslash or a control character. */
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

// DRF parses with parse_constant=strict_constant (rest_framework/utils/json.py).
function constantError(name: string): PyJsonError {
  return new PyJsonError(`Out of range float values are not JSON compliant: '${name}'`);
}

/** CPython's scanner (Modules/_json.c), one token at a time; `at` is where the next one starts. */
class Scanner {
  at = 0;

  constructor(readonly text: string) {}

  fail(message: string, index: number): never {
    throw positionError(this.text, message, index);
  }

  skipWhitespace(): number {
    this.at = skipWhitespace(this.text, this.at);
    return this.text.charCodeAt(this.at);
  }

  /** scanstring_unicode, from the opening quote at `at`. */
  string(): string {
    const text = this.text;
    const begin = this.at;
    let out = '';
    let i = begin + 1;
    for (;;) {
      PLAIN_RUN.lastIndex = i;
      PLAIN_RUN.test(text);
      const runEnd = PLAIN_RUN.lastIndex;
      if (runEnd > i) out += text.slice(i, runEnd);
      i = runEnd;
      if (i >= text.length) this.fail('Unterminated string starting at', begin);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        this.at = i + 1;
        return out;
      }
      if (code !== 0x5c) this.fail('Invalid control character at', i);
      const escape = text[i + 1];
      if (escape === undefined) this.fail('Unterminated string starting at', begin);
      if (escape !== 'u') {
        const replacement = ESCAPES[escape];
        if (replacement === undefined) this.fail('Invalid \\escape', i);
        out += replacement;
        i += 2;
        continue;
      }
      // CPython wants one more character after the four digits (the string's end, at
      // least): an escape that ends the body is invalid, not unterminated.
      const hex = text.slice(i + 2, i + 6);
      if (i + 6 >= text.length || !HEX4.test(hex)) this.fail('Invalid \\uXXXX escape', i + 1);
      const unit = Number.parseInt(hex, 16);
      i += 6;
      // A high surrogate followed by \uDC00-\uDFFF is one character, as in Python;
      // otherwise (or when nothing follows that escape) the next escape is read on its own.
      if (unit >= 0xd800 && unit <= 0xdbff && i + 6 < text.length && text.startsWith('\\u', i)) {
        const hex2 = text.slice(i + 2, i + 6);
        if (!HEX4.test(hex2)) this.fail('Invalid \\uXXXX escape', i + 1);
        const unit2 = Number.parseInt(hex2, 16);
        if (unit2 >= 0xdc00 && unit2 <= 0xdfff) {
          out += String.fromCharCode(unit, unit2);
          i += 6;
          continue;
        }
      }
      out += String.fromCharCode(unit);
    }
  }

  /**
   * _match_number_unicode: `1.` and `1e` end before the `.` and the `e`, as in Python;
   * no digits at all is "Expecting value".
   */
  number(): PyNumber {
    const text = this.text;
    const start = this.at;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i += 1;
    const first = text.charCodeAt(i);
    if (first === 0x30) i += 1;
    else if (first >= 0x31 && first <= 0x39) {
      i += 1;
      while (isDigit(text.charCodeAt(i))) i += 1;
    } else this.fail('Expecting value', start);
    let isFloat = false;
    if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
      isFloat = true;
      i += 2;
      while (isDigit(text.charCodeAt(i))) i += 1;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j += 1;
      if (isDigit(text.charCodeAt(j))) {
        isFloat = true;
        i = j + 1;
        while (isDigit(text.charCodeAt(i))) i += 1;
      }
    }
    this.at = i;
    if (!isFloat) {
      const digits = text.charCodeAt(start) === 0x2d ? i - start - 1 : i - start;
      if (digits > MAX_INT_DIGITS) throw tooManyDigits(digits);
    }
    return pyNumber(text.slice(start, i), isFloat);
  }

  /** A value other than an array or an object, from `at` (scan_once_unicode's other cases). */
  scalar(): PyJson {
    const text = this.text;
    const at = this.at;
    switch (text.charCodeAt(at)) {
      case 0x22: // "
        return this.string();
      case 0x6e: // n
        if (text.startsWith('null', at)) return this.literal(null, 4);
        break;
      case 0x74: // t
        if (text.startsWith('true', at)) return this.literal(true, 4);
        break;
      case 0x66: // f
        if (text.startsWith('false', at)) return this.literal(false, 5);
        break;
      case 0x4e: // N
        if (text.startsWith('NaN', at)) throw constantError('NaN');
        break;
      case 0x49: // I
        if (text.startsWith('Infinity', at)) throw constantError('Infinity');
        break;
      case 0x2d: // -
        if (text.startsWith('-Infinity', at)) throw constantError('-Infinity');
        break;
      default:
        break;
    }
    return this.number();
  }

  private literal(value: null | boolean, length: number): null | boolean {
    this.at += length;
    return value;
  }

  /** An object's key, from `at` (after `{` or `,` and whitespace), up to where its value starts. */
  key(): string {
    if (this.text.charCodeAt(this.at) !== 0x22) this.fail('Expecting property name enclosed in double quotes', this.at);
    const key = this.string();
    if (this.skipWhitespace() !== 0x3a) this.fail("Expecting ':' delimiter", this.at);
    this.at += 1;
    this.skipWhitespace();
    return key;
  }
}

/** Python's json.loads with DRF's parse_constant, on a decoded body: the value, or PyJsonError. */
export function readExactly(text: string): PyJson {
  const scan = new Scanner(text);
  if (text.charCodeAt(0) === 0xfeff) scan.fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  // The open arrays and objects, innermost last, and for each object the key of the value being read.
  const open: Array<PyJson[] | PyJsonObject> = [];
  const keys: string[] = [];
  scan.skipWhitespace();
  for (;;) {
    // A value starts at scan.at.
    let value: PyJson;
    const code = text.charCodeAt(scan.at);
    if (code === 0x5b || code === 0x7b) {
      // Python enters its recursion check on the bracket, before it reads what follows.
      if (open.length >= MAX_DEPTH) {
        scan.fail(`maximum recursion depth exceeded while decoding a JSON ${code === 0x5b ? 'array' : 'object'} from a unicode string`, scan.at);
      }
      scan.at += 1;
      const inside = scan.skipWhitespace();
      if (code === 0x5b) {
        if (inside !== 0x5d) {
          open.push([]);
          keys.push('');
          continue;
        }
        value = [];
      } else {
        if (inside !== 0x7d) {
          const key = scan.key();
          open.push({});
          keys.push(key);
          continue;
        }
        value = {};
      }
      scan.at += 1;
    } else {
      value = scan.scalar();
    }
    // A value ended at scan.at: store it, and close every array and object that ends with it.
    for (;;) {
      const depth = open.length;
      if (depth === 0) {
        scan.skipWhitespace();
        if (scan.at !== text.length) scan.fail('Extra data', scan.at);
        return value;
      }
      const container = open[depth - 1]!;
      const isArray = Array.isArray(container);
      if (isArray) container.push(value);
      else setKey(container, keys[depth - 1]!, value);
      const next = scan.skipWhitespace();
      if (next === (isArray ? 0x5d : 0x7d)) {
        open.pop();
        keys.pop();
        value = container;
        scan.at += 1;
        continue;
      }
      if (next !== 0x2c) scan.fail("Expecting ',' delimiter", scan.at);
      scan.at += 1;
      scan.skipWhitespace();
      if (!isArray) keys[depth - 1] = scan.key();
      break;
    }
  }
}

// ---------------------------------------------------------------- the fast path

/** readNatively's answer when only the exact reader can answer as Python would. */
export const NOT_NATIVE: unique symbol = Symbol('not native');

// A number JSON.parse would blur is passed to it as the string NUMBER_TAG + its lexeme; a
// string value that really begins with U+0000 gets STRING_TAG in front. No other string
// can begin with U+0000, so every tagged string is told apart. Keys are never tagged.
const NUMBER_TAG = '\u0000N';
const STRING_TAG = '\u0000S';
const SAFE_DIGITS = 15;

/**
 * The body's value as Python reads it, through JSON.parse: the same value readExactly()
 * gives, or NOT_NATIVE when JSON.parse refuses the text or cannot give Python's value
 * (nesting deeper than Python's, an int too long for Python, a bad number).
 */
export function readNatively(text: string): PyJson | typeof NOT_NATIVE {
  // Pass 1: outside strings, count the depth and find the numbers to tag.
  const pieces: string[] = [];
  let copied = 0;
  let depth = 0;
  let tags = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        if (end === -1) return NOT_NATIVE;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes += 1;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (text.startsWith('\\u0000', i + 1) && text.charCodeAt(skipWhitespace(text, end + 1)) !== 0x3a) {
        pieces.push(text.slice(copied, i + 1), '\\u0000S');
        copied = i + 1;
      }
      i = end;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > MAX_DEPTH) return NOT_NATIVE;
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    } else if (code === 0x2d || isDigit(code)) {
      // Tagged unless JSON.parse's double says it exactly: an int of at most 15 digits, or
      // a plain decimal of at most 15 digits that is not integral (`1.5`, but not `1.0`).
      const start = i;
      let j = code === 0x2d ? i + 1 : i;
      const intStart = j;
      if (text.charCodeAt(j) === 0x30) j += 1;
      else while (isDigit(text.charCodeAt(j))) j += 1;
      const intDigits = j - intStart;
      if (intDigits === 0 || isDigit(text.charCodeAt(j))) return NOT_NATIVE;
      let exact = intDigits <= SAFE_DIGITS;
      let isFloat = false;
      if (text.charCodeAt(j) === 0x2e) {
        isFloat = true;
        const fractionStart = j + 1;
        let nonZero = false;
        for (j = fractionStart; isDigit(text.charCodeAt(j)); j++) if (text.charCodeAt(j) !== 0x30) nonZero = true;
        if (j === fractionStart) return NOT_NATIVE;
        exact = nonZero && intDigits + (j - fractionStart) <= SAFE_DIGITS;
      }
      const e = text.charCodeAt(j);
      if (e === 0x65 || e === 0x45) {
        isFloat = true;
        exact = false;
        j += 1;
        const sign = text.charCodeAt(j);
        if (sign === 0x2b || sign === 0x2d) j += 1;
        if (!isDigit(text.charCodeAt(j))) return NOT_NATIVE;
        while (isDigit(text.charCodeAt(j))) j += 1;
      }
      if (!isFloat && intDigits > MAX_INT_DIGITS) return NOT_NATIVE;
      i = j - 1;
      if (!exact) {
        // Tagging costs more per number than the exact reader does: past about one a KiB,
        // the exact reader is the faster way to the same value (bench/json-body.mjs).
        tags += 1;
        if (tags > 64 + (length >> 10)) return NOT_NATIVE;
        // A number where a key belongs is an error, which the tag would hide.
        if (text.charCodeAt(skipWhitespace(text, j)) === 0x3a) return NOT_NATIVE;
        pieces.push(text.slice(copied, start), `"\\u0000N${text.slice(start, j)}"`);
        copied = j;
      }
    }
  }
  const tagged = pieces.length > 0;
  if (tagged) pieces.push(text.slice(copied));
  let root: unknown;
  try {
    root = JSON.parse(tagged ? pieces.join('') : text);
  } catch {
    return NOT_NATIVE;
  }
  // Pass 2: JSON.parse's numbers and tagged strings become Python's values, in place.
  const pending: unknown[] = [];
  const toPython = (value: unknown): unknown => {
    if (typeof value === 'number') {
      return Number.isInteger(value) ? pyInt(value) : new PyNumber(pythonFloatRepr(value), true);
    }
    if (typeof value === 'object' && value !== null) pending.push(value);
    else if (tagged && typeof value === 'string' && value.charCodeAt(0) === 0) {
      if (value.startsWith(STRING_TAG)) return value.slice(STRING_TAG.length);
      const lexeme = value.slice(NUMBER_TAG.length);
      return pyNumber(lexeme, /[.eE]/.test(lexeme));
    }
    return value;
  };
  const value = toPython(root);
  while (pending.length > 0) {
    const container = pending.pop();
    if (Array.isArray(container)) {
      for (let k = 0; k < container.length; k++) container[k] = toPython(container[k]);
    } else {
      const object = container as Record<string, unknown>;
      // An own `__proto__` (JSON.parse makes one) is assigned as data, not as the prototype.
      for (const key of Object.keys(object)) object[key] = toPython(object[key]);
    }
  }
  return value as PyJson;
}

/** Parses a request body as DRF would; throws PyJsonError with Python's message. */
export function parsePythonJson(body: Uint8Array): PyJson {
  const text = decodeUtf8Strictly(body);
  const value = readNatively(text);
  return value === NOT_NATIVE ? readExactly(text) : value;
}

/** Python's type name for a parsed value, as in "Expected a dictionary, but got list." */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyNumber) return value.isFloat ? 'float' : 'int';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
