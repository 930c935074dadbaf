// The uid and token of activation and reset links against Django itself: the tokens in
// test/fixtures/django-link-tokens.json were made by Django 3.2's PasswordResetTokenGenerator
// and the uids decoded by djoser's decode_uid + int() (test/accounts/django-tokens.py, run
// again here where Debian's python3-django is installed).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/django-link-tokens.json' with { type: 'json' };
import { decodeUid, encodeUid, linkTokens, PASSWORD_RESET_TIMEOUT_SECONDS } from '../../src/accounts/link-tokens.js';

const PYTHON = '/usr/bin/python3';
const EPOCH_2001_MS = Date.UTC(2001, 0, 1);
const atTimestamp = (seconds: number) => () => EPOCH_2001_MS + seconds * 1000;

function djangoInstalled(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import django, djoser'], { stdio: 'ignore' });
    return existsSync(PYTHON);
  } catch {
    return false;
  }
}

/** What a uid finds: Django's int, where an id can exist at all. */
function findable(value: number | null): number | null {
  return value === null || value < 0 || value > Number.MAX_SAFE_INTEGER ? null : value;
}

describe('link tokens as Django makes them', () => {
  it.each(fixture.users)('makes and accepts the token Django made for user $id', (user) => {
    const tokens = linkTokens({ secretKey: fixture.secret, now: atTimestamp(user.timestamp) });
    expect(tokens.make(user)).toBe(user.token);
    expect(tokens.check(user, user.token)).toBe(true);
  });

  it('refuses a token once the password, the last login or the e-mail changed, or with another key', () => {
    const [user] = fixture.users;
    const tokens = linkTokens({ secretKey: fixture.secret, now: atTimestamp(user!.timestamp) });
    expect(tokens.check({ ...user!, password: `${user!.password}x` }, user!.token)).toBe(false);
    expect(tokens.check({ ...user!, last_login: '2026-12-01 10:00:00.000000' }, user!.token)).toBe(false);
    expect(tokens.check({ ...user!, email: 'other@example.com' }, user!.token)).toBe(false);
    expect(linkTokens({ secretKey: `${fixture.secret}x`, now: atTimestamp(user!.timestamp) }).check(user!, user!.token)).toBe(false);
    // Microseconds of last_login do not count (Django truncates them), nor the database's form of it.
    const second = fixture.users[1]!;
    const secondTokens = linkTokens({ secretKey: fixture.secret, now: atTimestamp(second.timestamp) });
    expect(secondTokens.check({ ...second, last_login: '2026-11-28 14:51:16.999+00' }, second.token)).toBe(true);
  });

  it('accepts a token for PASSWORD_RESET_TIMEOUT seconds and not one more', () => {
    const [user] = fixture.users;
    const at = (seconds: number) => linkTokens({ secretKey: fixture.secret, now: atTimestamp(user!.timestamp + seconds) });
    expect(at(PASSWORD_RESET_TIMEOUT_SECONDS).check(user!, user!.token)).toBe(true);
    expect(at(PASSWORD_RESET_TIMEOUT_SECONDS + 1).check(user!, user!.token)).toBe(false);
    expect(linkTokens({ secretKey: fixture.secret, timeoutSeconds: 60, now: atTimestamp(user!.timestamp + 61) }).check(user!, user!.token)).toBe(false);
  });

  it.each(['', 'x', 'a-b-c', '-', 'zzzzzzzzzzzzzz-00', 'diitc1-', 'DIITC1-cc275039badcea25bc63c2ebf7ede6f4'])('refuses the malformed token %j', (token) => {
    const [user] = fixture.users;
    expect(linkTokens({ secretKey: fixture.secret, now: atTimestamp(user!.timestamp) }).check(user!, token)).toBe(false);
  });

  it.each(fixture.uids as Array<[string, number | null]>)('decodes the uid %j as djoser does', (uid, id) => {
    expect(decodeUid(uid)).toBe(findable(id));
  });

  it('encodes a uid as djoser does', () => {
    expect([encodeUid(1), encodeUid(10), encodeUid(123456789)]).toEqual(['MQ', 'MTA', 'MTIzNDU2Nzg5']);
  });

  it.runIf(djangoInstalled())('records what Django answers today', () => {
    const script = new URL('./django-tokens.py', import.meta.url).pathname;
    const input = JSON.stringify({
      secret: fixture.secret,
      users: fixture.users.map(({ token: _token, ...user }) => user),
      uids: fixture.uids.map(([uid]) => uid),
    });
    const answers = JSON.parse(execFileSync(PYTHON, [script], { input, encoding: 'utf8' })) as { tokens: string[]; uids: Array<number | null> };
    expect(answers.tokens).toEqual(fixture.users.map((user) => user.token));
    expect(answers.uids).toEqual(fixture.uids.map(([, id]) => id));
  });
});
