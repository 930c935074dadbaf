// Login timing with imported hashes: an unknown username is checked against a hash of the
// slowest format in use (here an imported pbkdf2_sha256$4000000: four times Django 5.1's
// default, so that it is the slowest on a loaded machine too, where argon2 slows most), and
// any failure is held until that format's cost has passed, so neither an unknown username
// nor a wrong password on an argon2 account answers sooner than an imported account.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loginPasswordChecker } from '../../src/auth/passwords.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

// Counts PBKDF2 runs of the imported hash's iterations (the real ones still run).
const counted = vi.hoisted(() => ({ importedRuns: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  const pbkdf2 = (...args: Parameters<typeof original.pbkdf2>) => {
    if (args[2] === 4_000_000) counted.importedRuns++;
    return original.pbkdf2(...args);
  };
  return { ...original, pbkdf2, default: { ...original, pbkdf2 } };
});

// Nobody logs in as the imported user: any digest costs the same to check, and none is made.
const IMPORTED = `pbkdf2_sha256$4000000$${randomBytes(11).toString('hex')}$${randomBytes(32).toString('base64')}`;

describe.each(DIALECTS)('login timing on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(dialect);
    await t.createUser('fresh'); // argon2id, today's format
    await t.createUser('imported', { passwordHash: IMPORTED });
    counted.importedRuns = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const login = (username: string, password: string) =>
    t.inject({ method: 'POST', url: '/api/token-auth/', payload: { username, password } });

  it('checks an unknown username against the slowest format in use', async () => {
    const response = await login('nobody', 'guess');
    expect(response.statusCode).toBe(400);
    // The start-up timing of each format runs it once; the unknown username once more.
    expect(counted.importedRuns).toBe(2);
    await login('nobody', 'guess');
    expect(counted.importedRuns).toBe(3);
  });

  it('holds a wrong password on an argon2 account until the imported format would have finished', async () => {
    const checker = loginPasswordChecker(t.database.db.kysely);
    const costs = await checker.costs();
    expect(costs.map((cost) => cost.format)).toEqual(['pbkdf2_sha256$4000000', 'argon2$argon2id$v=19$m=102400,t=2,p=8']);
    const check = await checker.check('wrong', (await t.database.db.kysely.selectFrom('auth_user').select('password').where('username', '=', 'fresh').executeTakeFirstOrThrow()).password);
    expect(check.valid).toBe(false);
    const slowest = (await checker.costs())[0]!.ms;
    const started = performance.now();
    await checker.failed(check);
    // The hold sleeps for what remains: the hash's own time plus the hold reach the slowest cost.
    expect(check.hashMs + (performance.now() - started)).toBeGreaterThanOrEqual(slowest - 1);
  });
});
