// The JSON reader that answers as Python's json module does (DRF's JSONParser).
import { describe, expect, it } from 'vitest';
import {
  decodeUtf8Strictly, MAX_DEPTH, NOT_NATIVE, parsePythonJson, PyJsonError, PyNumber, pythonFloatRepr, pythonTypeName, readExactly, readNatively,
} from '../../src/http/python-json.js';

const parse = (text: string | Uint8Array) => parsePythonJson(typeof text === 'string' ? Buffer.from(text) : text);
function errorOf(text: string | Uint8Array): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof PyJsonError) return error.message;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('parsePythonJson', () => {
  it('keeps ints and floats apart, with Python\'s str()', () => {
    const value = parse('{"a": 1, "b": 1.0, "c": 1e2, "d": 1.5e300, "e": -0, "f": 123456789012345678901234567890, "g": 1e-5}') as Record<string, PyNumber>;
    expect(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, [v.text, v.isFloat]]))).toEqual({
      a: ['1', false], b: ['1.0', true], c: ['100.0', true], d: ['1.5e+300', true], e: ['0', false],
      f: ['123456789012345678901234567890', false], g: ['1e-05', true],
    });
  });

  it('reads strings, escapes and surrogate pairs', () => {
    expect(parse('"a\\n\\u00e9\\ud83d\\ude00\\/"')).toBe('a\né😀/');
    expect(parse('[true, false, null, "x"]')).toEqual([true, false, null, 'x']);
  });

  it('keeps the last of duplicate keys and handles __proto__ as data', () => {
    const value = parse('{"a": 1, "a": 2, "__proto__": "x"}') as Record<string, unknown>;
    expect((value.a as PyNumber).text).toBe('2');
    expect(value.__proto__).toBe('x');
  });

  it.each([
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
    ['{1:2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['01', 'Extra data: line 1 column 2 (char 1)'],
    ['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    // CPython wants a character after an escape's four digits: at the very end it is invalid.
    ['"\\u0041', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"\\ud83d\\ude00', 'Invalid \\uXXXX escape: line 1 column 9 (char 8)'],
    ['[Infinity]', "Out of range float values are not JSON compliant: 'Infinity'"],
    ['-Infinity', "Out of range float values are not JSON compliant: '-Infinity'"],
    ['\ufeff{}', 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'],
    ['"😀😀" x', 'Extra data: line 1 column 6 (char 5)'],
  ])('%j -> %s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('reports bad UTF-8 as CPython does, and drops an incomplete sequence at the very end', () => {
    expect(errorOf(Uint8Array.from([0x22, 0xc3, 0x28, 0x22]))).toBe("'utf-8' codec can't decode byte 0xc3 in position 1: invalid continuation byte");
    expect(errorOf(Uint8Array.from([0x22, 0xe2, 0x82, 0x28]))).toBe("'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte");
    expect(errorOf(Uint8Array.from([0x80]))).toBe("'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte");
    expect(errorOf(Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toBe("'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte");
    expect(decodeUtf8Strictly(Uint8Array.from([0x41, 0xe2, 0x82]))).toBe('A');
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [100, '100.0'], [0.1, '0.1'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [0.0001, '0.0001'],
    [0.00001, '1e-05'], [-2.5, '-2.5'], [123456789.125, '123456789.125'], [Infinity, 'inf'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('%s -> %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });
});

describe('pythonTypeName', () => {
  it('names values as Python does', () => {
    expect([null, true, 'x', new PyNumber('1', false), new PyNumber('1.0', true), [], {}].map(pythonTypeName))
      .toEqual(['NoneType', 'bool', 'str', 'int', 'float', 'list', 'dict']);
  });
});

describe('nesting', () => {
  const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const tooDeep = (kind: string, index: number) =>
    `maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string: line 1 column ${index + 1} (char ${index})`;

  it(`reads ${MAX_DEPTH} levels, as Python does under DRF, both ways`, () => {
    let value = parse(arrays(MAX_DEPTH));
    for (let depth = 1; depth < MAX_DEPTH; depth++) value = (value as unknown[])[0] as never;
    expect(value).toEqual([]);
    expect(readNatively(arrays(MAX_DEPTH))).not.toBe(NOT_NATIVE);
  });

  it.each([
    ['arrays', arrays(MAX_DEPTH + 1), tooDeep('array', MAX_DEPTH)],
    ['100,000 arrays', arrays(100_000), tooDeep('array', MAX_DEPTH)],
    ['100,000 objects', `${'{"k": '.repeat(100_000)}0${'}'.repeat(100_000)}`, tooDeep('object', MAX_DEPTH * 6)],
    ['100,000 of both', `${'[{"k":'.repeat(50_000)}0${'}]'.repeat(50_000)}`, tooDeep('array', MAX_DEPTH * 3)],
    ['2.5 MB of unclosed arrays', '['.repeat(2_621_440), tooDeep('array', MAX_DEPTH)],
    // Python refuses on the bracket, before it reads what is inside.
    ['an error inside the level too deep', `${'['.repeat(MAX_DEPTH + 1)}x`, tooDeep('array', MAX_DEPTH)],
    ['an error at the deepest level read', `${'['.repeat(MAX_DEPTH)}x`, `Expecting value: line 1 column ${MAX_DEPTH + 1} (char ${MAX_DEPTH})`],
    ['an error before the depth', `[1 2${'['.repeat(100_000)}`, "Expecting ',' delimiter: line 1 column 4 (char 3)"],
  ])('%s: %#', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});

describe('ints longer than Python reads', () => {
  const limit = (digits: number) =>
    `Exceeds the limit (4300 digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`;

  it('reads 4,300 digits exactly and refuses more with Python\'s message, wherever the int is', () => {
    const digits = '7'.repeat(4300);
    expect(parse(`[-${digits}]`)).toEqual([new PyNumber(`-${digits}`, false)]);
    expect(errorOf(`${digits}1`)).toBe(limit(4301));
    expect(errorOf(`-${digits}12`)).toBe(limit(4302));
    expect(errorOf(`{"a": [1.5, ${digits}1, x]}`)).toBe(limit(4301));
    // floats have no such limit in Python
    expect(parse(`${digits}1.5`)).toEqual(new PyNumber('inf', true));
  });
});

// ---------------------------------------------------------------- generated bodies

/** A small seeded generator (mulberry32), so that a failure names the body that failed. */
function randomSource(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) % n);
  };
}

const NUMBERS = [
  '0', '-0', '1', '-1', '42', '123456789012345', '1234567890123456', '-98765432109876543210', '9007199254740993',
  '1.0', '-0.0', '0.0', '10.0', '1.5', '-2.25', '0.1', '0.0001', '0.00001', '1.50', '123456789012345.6', '0.1000000000000000055511',
  '1e2', '1E+2', '-1e-5', '1.5e300', '2.5E-320', '1e400', '-1e400', '5e-324', '17976931348623157e292',
];
const STRINGS = [
  '', 'a', 'é', '😀', '__proto__', 'constructor', '0', '12', '\\u0000', '\\u0000N1.0', '\\u0000S', 'x\\u0000', '\\"', '\\\\', '\\\\u0000',
  '\\/', '\\b\\f\\n\\r\\t', '\\u00e9', '\\ud83d\\ude00', '\\ud800', '\\udc00x', '\\ud800\\u0041', '\\uD834\\uDD1E', '\u2028',
];
const SPACES = ['', '', '', ' ', '\n', '\t', '\r\n  '];
const JUNK = ['', ',', ':', '[', ']', '{', '}', '"', '\\', '-', '.', 'e', '0', '1', 'x', 'NaN', 'Infinity', 'tru', '\u0001', '\ufeff', ' '];

function generateText(random: (n: number) => number, depth = 0): string {
  const space = () => SPACES[random(SPACES.length)]!;
  const roll = random(depth > 6 ? 6 : 10);
  if (roll <= 1) return NUMBERS[random(NUMBERS.length)]!;
  if (roll === 2) return `"${STRINGS[random(STRINGS.length)]}${STRINGS[random(STRINGS.length)]}"`;
  if (roll === 3) return ['true', 'false', 'null'][random(3)]!;
  if (roll === 4) return `${random(1000)}.${random(10) === 0 ? '0' : random(1000)}`;
  if (roll === 5) return String(random(1_000_000) - 500_000);
  const count = random(5);
  const items: string[] = [];
  if (roll <= 7) {
    for (let i = 0; i < count; i++) items.push(`${space()}${generateText(random, depth + 1)}${space()}`);
    return `[${items.join(',')}${count === 0 ? space() : ''}]`;
  }
  for (let i = 0; i < count; i++) {
    const key = `"${STRINGS[random(STRINGS.length)]}"`;
    items.push(`${space()}${key}${space()}:${space()}${generateText(random, depth + 1)}${space()}`);
  }
  return `{${items.join(',')}${count === 0 ? space() : ''}}`;
}

/** Breaks a body in one place, as a client's bug or an attacker would. */
function mutate(random: (n: number) => number, text: string): string {
  const at = random(text.length + 1);
  const junk = JUNK[random(JUNK.length)]!;
  switch (random(3)) {
    case 0:
      return text.slice(0, at) + junk + text.slice(at);
    case 1:
      return text.slice(0, at) + junk + text.slice(at + 1);
    default:
      return text.slice(0, at);
  }
}

/** A value with everything that tells Python's values apart spelled out: types, digits, key order, prototypes. */
function spelled(value: unknown): unknown {
  if (value instanceof PyNumber) return { number: value.text, isFloat: value.isFloat };
  if (Array.isArray(value)) return value.map(spelled);
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length !== Reflect.ownKeys(value).length) throw new Error('a key that is not an own enumerable property');
    return { prototype: Object.getPrototypeOf(value) === Object.prototype, entries: keys.map((key) => [key, spelled((value as Record<string, unknown>)[key])]) };
  }
  return value;
}

function outcomeOf(read: () => unknown): unknown {
  try {
    return { value: spelled(read()) };
  } catch (error) {
    if (error instanceof PyJsonError) return { error: error.message };
    throw error;
  }
}

describe('the fast path and the exact reader agree', () => {
  it('on 6,000 generated bodies, valid and broken', () => {
    const random = randomSource(20261202);
    let native = 0;
    for (let n = 0; n < 6000; n++) {
      const valid = `${SPACES[random(SPACES.length)]}${generateText(random)}`;
      const text = n % 2 === 0 ? valid : mutate(random, valid);
      const exact = outcomeOf(() => readExactly(text)) as { value?: unknown; error?: string };
      const fast = readNatively(text);
      if (n % 2 === 0 && exact.error !== undefined) expect.fail(`${text}: ${exact.error}`);
      if (fast === NOT_NATIVE) {
        // Only a body the exact reader refuses is left to it here (none is deep or long enough).
        if (exact.error === undefined) expect.fail(`${text}: not read natively`);
      } else {
        native += 1;
        const answer = { value: spelled(fast) };
        // (compared as text first: an expect() per body would be most of the test's time)
        if (JSON.stringify(answer) !== JSON.stringify(exact)) expect(answer, text).toEqual(exact);
      }
    }
    expect(native).toBeGreaterThan(3000);
  });

  it('when many numbers need their digits kept: the exact reader reads them, to the same value', () => {
    const text = `[${Array.from({ length: 5000 }, (_, i) => `${i}.0`).join(',')}]`;
    expect(readNatively(text)).toBe(NOT_NATIVE);
    const few = `[${Array.from({ length: 50 }, (_, i) => `${i}.0`).join(',')}]`;
    expect(spelled(readNatively(few))).toEqual(spelled(readExactly(few)));
    expect((parse(text) as PyNumber[])[4999]).toEqual(new PyNumber('4999.0', true));
  });

  it('leaves a number where a key belongs to the exact reader, which refuses it', () => {
    for (const [text, index] of [['{1.0: 2}', 1], ['{"a": 1, 1e5 : 2}', 9], ['{"\\u0000N1.0": 2, 12345678901234567: 3}', 18]] as const) {
      expect(readNatively(text), text).toBe(NOT_NATIVE);
      expect(errorOf(text)).toBe(`Expecting property name enclosed in double quotes: line 1 column ${index + 1} (char ${index})`);
    }
    expect(spelled(parse('{"\\u0000N1.0": "\\u0000N1.0", "\\u0000S": ["\\u0000S", 1.0]}'))).toEqual({
      prototype: true,
      entries: [['\u0000N1.0', '\u0000N1.0'], ['\u0000S', ['\u0000S', { number: '1.0', isFloat: true }]]],
    });
  });

  it('reads a float\'s digits as Python\'s repr, with or without the shortcut for a lexeme that is one', () => {
    const random = randomSource(7);
    for (let n = 0; n < 5000; n++) {
      const digits = (length: number) => Array.from({ length }, () => String(random(10))).join('');
      const whole = random(4) === 0 ? '0' : `${1 + random(9)}${digits(random(17))}`;
      const exponent = random(4) === 0 ? `e${['', '+', '-'][random(3)]}${random(330)}` : '';
      const lexeme = `${random(2) === 0 ? '-' : ''}${whole}.${digits(1 + random(18))}${exponent}`;
      expect((readExactly(lexeme) as PyNumber).text, lexeme).toBe(pythonFloatRepr(Number(lexeme)));
    }
  });

  it('writes floats as Python\'s repr does: the shortest digits that give the double back', () => {
    const random = randomSource(11);
    for (let n = 0; n < 5000; n++) {
      const value = (random(2) === 0 ? -1 : 1) * (random(1 << 30) / (1 + random(1 << 30))) * 10 ** (random(44) - 22);
      const repr = pythonFloatRepr(value);
      expect(Number(repr), repr).toBe(value);
      const magnitude = Math.abs(value);
      if (magnitude >= 1e-4 && magnitude < 1e16) expect(repr).toMatch(/^-?(0|[1-9]\d*)\.(0|\d*[1-9])$/);
      else if (value !== 0) expect(repr).toMatch(/^-?[1-9](\.\d*[1-9])?e[-+]\d\d+$/);
    }
  });
});
