// The JSON reader that answers as Python's json module does (DRF's JSONParser).
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strictly, parsePythonJson, PyJsonError, PyNumber, pythonFloatRepr, pythonTypeName } from '../../src/http/python-json.js';

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
