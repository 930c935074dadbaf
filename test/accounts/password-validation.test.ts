// Django's four default password validators, checked against Django itself: the answers in
// test/fixtures/django-password-validation.json were recorded from Django 3.2 by
// test/accounts/django-validators.py, and where Debian's python3-django is installed (as
// for ../shared/reference) the same script runs again here, so the record cannot go stale.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/django-password-validation.json' with { type: 'json' };
import { passwordProblems, validatePassword, type PasswordUser } from '../../src/auth/password-validation.js';

type Case = [string, PasswordUser | null, string[]];
const CASES = fixture.cases as Case[];
const PYTHON = '/usr/bin/python3';

function djangoInstalled(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import django'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe("Django's password validators", () => {
  it.each(CASES)('judges %j (user %j) as Django does', (password, user, messages) => {
    expect(validatePassword(password, user)).toEqual(messages);
  });

  it.runIf(djangoInstalled())('records what Django answers today', () => {
    const script = new URL('./django-validators.py', import.meta.url).pathname;
    const input = JSON.stringify(CASES.map(([password, user]) => [password, user]));
    const answers = JSON.parse(execFileSync(PYTHON, [script], { input, encoding: 'utf8' })) as string[][];
    expect(answers).toEqual(CASES.map(([, , messages]) => messages));
  });

  it('keeps the callers that know only a username', () => {
    expect(passwordProblems('mamun123', 'mamun')).toEqual(['The password is too similar to the username.']);
    expect(passwordProblems('a-long-unusual-passphrase', 'mamun')).toEqual([]);
  });
});
