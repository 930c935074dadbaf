// Numbers in URLs, query strings and bodies, read as Python's int() reads a string: spaces
// around (Python's whitespace), a sign, digits with single underscores between, and any
// Unicode decimal digit (int('١٢') is 12), as Django and DRF do.

const PLAIN_ID = /^[0-9]{1,15}$/;
const PY_INT_TEXT = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([+-]?)(\p{Nd}(?:_?\p{Nd})*)[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

// The code point of each Unicode digit zero: every Nd digit is one of ten in a row from one
// (Unicode's stability policy); found once, on the first non-ASCII digit seen.
let digitZeros: number[] | undefined;

function unicodeDigitZeros(): number[] {
  const zeros: number[] = [];
  const digit = /\p{Nd}/u;
  for (let code = 0x660; code <= 0x1fbf9; code++) {
    if (digit.test(String.fromCodePoint(code))) {
      zeros.push(code);
      code += 9;
    }
  }
  return zeros;
}

/** ASCII digits for Unicode decimal digits ("١٢" → "12"); other characters as they are. */
export function asciiDigits(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  digitZeros ??= unicodeDigitZeros();
  const zeros = digitZeros;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80 || !/\p{Nd}/u.test(char)) {
      out += char;
      continue;
    }
    let zero = zeros[0]!;
    for (const candidate of zeros) {
      if (candidate > code) break;
      zero = candidate;
    }
    out += String(code - zero);
  }
  return out;
}

/** Python's int() of a string, or null when it would raise ValueError. */
export function pythonInt(raw: string): bigint | null {
  const match = PY_INT_TEXT.exec(raw);
  if (match === null) return null;
  return BigInt(`${match[1]}${asciiDigits(match[2]!.replace(/_/g, ''))}`);
}

/** The URL's id as Django's IntegerField reads it (int(): spaces, sign, underscores, Unicode digits). */
export function parseObjectId(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (PLAIN_ID.test(raw)) return Number(raw); // the usual "42"
  const value = pythonInt(raw);
  if (value === null || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(value);
}
