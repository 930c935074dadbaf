// Django's four default AUTH_PASSWORD_VALIDATORS, in Django's order and with Django's
// messages (django/contrib/auth/password_validation.py, Django 3.2), for every password a
// person chooses: sign-up, password change and reset (/auth/), createsuperuser,
// changepassword and the admin. `tessera user set` and logins never judge a password.
//
// Invariants, as Django computes them:
// - lengths count code points (Python's len), not UTF-16 units;
// - similarity is difflib's SequenceMatcher(a=password, b=part).quick_ratio() >= 0.7 over
//   username, first_name, last_name and email, each whole and split on non-word characters
//   (re.split(r'\W+')), both lowercased; a part so short that the ratio cannot reach 0.7
//   (exceeds_maximum_length_ratio) is skipped, as Django skips it;
// - the common list is the one Django ships (common-passwords.txt.gz beside this file,
//   20,000 passwords by Royce Williams, lowercased; BSD-3-Clause with Django), compared
//   with the password lowercased and stripped of Python's whitespace;
// - "entirely numeric" is Python's str.isdigit(): decimal digits of any script, plus the
//   digit-type characters such as ² and ①; the empty string is not numeric.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The attributes of a user that a password must not resemble; missing ones are skipped. */
export interface PasswordUser {
  readonly username?: string | null;
  readonly first_name?: string | null;
  readonly last_name?: string | null;
  readonly email?: string | null;
}

export const MIN_PASSWORD_LENGTH = 8;
const MAX_SIMILARITY = 0.7;

/** Django's verbose names of auth_user's fields, as the similarity message says them. */
const USER_ATTRIBUTES: ReadonlyArray<readonly [keyof PasswordUser, string]> = [
  ['username', 'username'],
  ['first_name', 'first name'],
  ['last_name', 'last name'],
  ['email', 'email address'],
];

/**
 * Every problem Django's default validators find, in Django's order (similarity, length,
 * common, numeric); empty when the password is acceptable. Without a user, similarity is
 * not judged (Django's `if not user: return`).
 */
export function validatePassword(password: string, user?: PasswordUser | null): string[] {
  const problems: string[] = [];
  const similar = user == null ? null : similarAttribute(password, user);
  if (similar !== null) problems.push(`The password is too similar to the ${similar}.`);
  if (codePoints(password).length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (commonPasswords().has(pyStrip(password.toLowerCase()))) problems.push('This password is too common.');
  if (isPyDigit(password)) problems.push('This password is entirely numeric.');
  return problems;
}

/** The help texts Django shows beside a password field, in the validators' order. */
export const PASSWORD_HELP_TEXTS: readonly string[] = [
  'Your password can’t be too similar to your other personal information.',
  `Your password must contain at least ${MIN_PASSWORD_LENGTH} characters.`,
  'Your password can’t be a commonly used password.',
  'Your password can’t be entirely numeric.',
];

/** The form the admin and the CLI call: a user known only by the username. */
export function passwordProblems(password: string, username: string): string[] {
  return validatePassword(password, { username });
}

function similarAttribute(password: string, user: PasswordUser): string | null {
  const lowered = codePoints(password.toLowerCase());
  for (const [attribute, verboseName] of USER_ATTRIBUTES) {
    const value = user[attribute];
    if (typeof value !== 'string' || value === '') continue;
    const valueLower = value.toLowerCase();
    const parts = [...valueLower.split(/[^\p{L}\p{N}_]+/u), valueLower];
    for (const part of parts) {
      const partPoints = codePoints(part);
      if (exceedsMaximumLengthRatio(lowered.length, partPoints.length)) continue;
      if (quickRatio(lowered, partPoints) >= MAX_SIMILARITY) return verboseName;
    }
  }
  return null;
}

/** Django's shortcut: a value this much shorter than the password cannot be similar enough. */
function exceedsMaximumLengthRatio(passwordLength: number, valueLength: number): boolean {
  return passwordLength >= 10 * valueLength && valueLength < (MAX_SIMILARITY / 2) * passwordLength;
}

/** difflib.SequenceMatcher.quick_ratio: 2 * |multiset intersection| / (|a| + |b|), 1 when both are empty. */
function quickRatio(a: readonly string[], b: readonly string[]): number {
  const available = new Map<string, number>();
  for (const element of b) available.set(element, (available.get(element) ?? 0) + 1);
  let matches = 0;
  for (const element of a) {
    const left = available.get(element) ?? 0;
    if (left > 0) matches += 1;
    available.set(element, left - 1);
  }
  const length = a.length + b.length;
  return length === 0 ? 1 : (2 * matches) / length;
}

function codePoints(text: string): string[] {
  return Array.from(text);
}

// Python's str.isspace() characters, which str.strip() removes (JavaScript's trim() differs:
// it keeps U+001C..U+001F and U+0085 and removes U+FEFF).
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

// Python's str.isdigit(): Unicode decimal digits (Nd) and the characters whose numeric type
// is Digit (superscripts, subscripts, circled digits, ...), listed from Python 3.11's
// unicodedata (Unicode 14).
const PY_DIGIT = new RegExp(
  '^[\\p{Nd}\\u00b2\\u00b3\\u00b9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468' +
    '\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792' +
    '\\u{10a40}-\\u{10a43}\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}]+$',
  'u',
);

function isPyDigit(text: string): boolean {
  return PY_DIGIT.test(text);
}

let common: ReadonlySet<string> | undefined;

/** The list Django ships, read once (beside this module in src/ and in dist/). */
function commonPasswords(): ReadonlySet<string> {
  if (common === undefined) {
    const text = gunzipSync(readFileSync(new URL('./common-passwords.txt.gz', import.meta.url))).toString('utf8');
    // Python iterates the file by lines, so it never yields an empty final entry.
    common = new Set(text.split('\n').map(pyStrip).filter((line) => line !== ''));
  }
  return common;
}
