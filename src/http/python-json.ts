// A JSON reader that answers exactly as DRF's JSONParser does (Python's json.load over a
// strict UTF-8 decode), including its error messages, which clients see as
// `JSON parse error - <message>`. JSON.parse cannot be used for two reasons: its errors
// differ, and it loses the difference between `1` and `1.0`, which DRF's DecimalField and
// CharField see (Python keeps ints and floats apart, and str(1.0) is "1.0").

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

// ---------------------------------------------------------------- the parser

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

class Reader {
  constructor(private readonly text: string) {}

  /** Python counts positions in code points, JavaScript in UTF-16 units. */
  private fail(message: string, index: number): never {
    const before = this.text.slice(0, index);
    const codePoints = [...before].length;
    const lineno = (before.match(/\n/g)?.length ?? 0) + 1;
    const lastNewline = before.lastIndexOf('\n');
    const colno = lastNewline === -1 ? codePoints + 1 : [...before.slice(lastNewline + 1)].length + 1;
    throw new PyJsonError(`${message}: line ${lineno} column ${colno} (char ${codePoints})`);
  }

  private skip(index: number): number {
    WHITESPACE.lastIndex = index;
    WHITESPACE.test(this.text);
    return WHITESPACE.lastIndex;
  }

  document(): PyJson {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    const start = this.skip(0);
    const [value, end] = this.value(start);
    const rest = this.skip(end);
    if (rest !== text.length) this.fail('Extra data', rest);
    return value;
  }

  private value(index: number): [PyJson, number] {
    const text = this.text;
    const ch = text[index];
    switch (ch) {
      case '"':
        return this.string(index + 1);
      case '{':
        return this.object(index + 1);
      case '[':
        return this.array(index + 1);
      case 'n':
        if (text.startsWith('null', index)) return [null, index + 4];
        break;
      case 't':
        if (text.startsWith('true', index)) return [true, index + 4];
        break;
      case 'f':
        if (text.startsWith('false', index)) return [false, index + 5];
        break;
      case 'N':
        if (text.startsWith('NaN', index)) this.constant('NaN');
        break;
      case 'I':
        if (text.startsWith('Infinity', index)) this.constant('Infinity');
        break;
      case '-':
        if (text.startsWith('-Infinity', index)) this.constant('-Infinity');
        break;
      default:
        break;
    }
    NUMBER.lastIndex = index;
    const match = NUMBER.exec(text);
    if (match !== null && match.index === index) {
      const lexeme = match[0];
      const isFloat = match[1] !== undefined || match[2] !== undefined;
      if (!isFloat) {
        // Python ints are exact: keep the digits, dropping the sign of zero.
        const normalized = BigInt(lexeme).toString();
        return [new PyNumber(normalized, false), index + lexeme.length];
      }
      return [new PyNumber(pythonFloatRepr(Number(lexeme)), true), index + lexeme.length];
    }
    return this.fail('Expecting value', index);
  }

  // DRF parses with parse_constant=strict_constant (rest_framework/utils/json.py).
  private constant(name: string): never {
    throw new PyJsonError(`Out of range float values are not JSON compliant: '${name}'`);
  }

  private string(index: number): [string, number] {
    const text = this.text;
    const begin = index - 1;
    let out = '';
    let chunkStart = index;
    let i = index;
    for (;;) {
      if (i >= text.length) this.fail('Unterminated string starting at', begin);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        out += text.slice(chunkStart, i);
        return [out, i + 1];
      }
      if (code === 0x5c) {
        out += text.slice(chunkStart, i);
        const escape = text[i + 1];
        if (escape === undefined) this.fail('Unterminated string starting at', begin);
        if (escape === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', i + 1);
          let unit = Number.parseInt(hex, 16);
          let next = i + 6;
          // A high surrogate followed by \uDC00-\uDFFF is one character, as in Python.
          if (unit >= 0xd800 && unit <= 0xdbff && text.startsWith('\\u', next)) {
            const hex2 = text.slice(next + 2, next + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex2)) this.fail('Invalid \\uXXXX escape', next + 1);
            const unit2 = Number.parseInt(hex2, 16);
            if (unit2 >= 0xdc00 && unit2 <= 0xdfff) {
              out += String.fromCharCode(unit, unit2);
              unit = -1;
              next += 6;
            }
          }
          if (unit !== -1) out += String.fromCharCode(unit);
          i = next;
          chunkStart = i;
          continue;
        }
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        const replacement = simple[escape];
        if (replacement === undefined) this.fail('Invalid \\escape', i);
        out += replacement;
        i += 2;
        chunkStart = i;
        continue;
      }
      if (code < 0x20) this.fail('Invalid control character at', i);
      i += 1;
    }
  }

  private object(index: number): [PyJsonObject, number] {
    const text = this.text;
    const result: PyJsonObject = Object.create(null) as PyJsonObject;
    let i = this.skip(index);
    if (text[i] === '}') return [result, i + 1];
    for (;;) {
      if (text[i] !== '"') this.fail('Expecting property name enclosed in double quotes', i);
      const [key, afterKey] = this.string(i + 1);
      i = this.skip(afterKey);
      if (text[i] !== ':') this.fail("Expecting ':' delimiter", i);
      i = this.skip(i + 1);
      const [value, afterValue] = this.value(i);
      result[key] = value;
      i = this.skip(afterValue);
      if (text[i] === '}') return [result, i + 1];
      if (text[i] !== ',') this.fail("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }

  private array(index: number): [PyJson[], number] {
    const text = this.text;
    const result: PyJson[] = [];
    let i = this.skip(index);
    if (text[i] === ']') return [result, i + 1];
    for (;;) {
      const [value, afterValue] = this.value(i);
      result.push(value);
      i = this.skip(afterValue);
      if (text[i] === ']') return [result, i + 1];
      if (text[i] !== ',') this.fail("Expecting ',' delimiter", i);
      i = this.skip(i + 1);
    }
  }
}

/** Parses a request body as DRF would; throws PyJsonError with Python's message. */
export function parsePythonJson(body: Uint8Array): PyJson {
  return new Reader(decodeUtf8Strictly(body)).document();
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
