// djoser's accounts at /auth/ on each database, through app.inject(), the e-mails read back
// from the .eml files of a temporary EMAIL_OUTBOX. The bodies are the reference's (djoser
// 2.1 on Django 3.2), asked with the same requests (scripts/compare-with-reference.mjs).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/database.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import type { AccountsConfig } from '../../src/config.js';

const GOOD_PASSWORD = 'Sturdy-Pass-42';

interface Mail {
  readonly text: string;
  readonly uid: string;
  readonly token: string;
}

/** The newest e-mail to `to` with a /<kind>/uid/token link, waiting for the outbox (up to 5 s). */
async function mailTo(outbox: string, to: string, kind: string): Promise<Mail> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const files = readdirSync(outbox).filter((name) => name.endsWith('.eml')).sort().reverse();
    for (const name of files) {
      const text = readFileSync(join(outbox, name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (!text.includes(`To: ${to}`)) continue;
      const match = new RegExp(`/${kind}/([A-Za-z0-9_-]+)/([A-Za-z0-9-]+)`).exec(text);
      if (match !== null) return { text, uid: match[1]!, token: match[2]! };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no e-mail to ${to} with a /${kind}/ link in ${outbox}`);
}

function mailCount(outbox: string, to: string): number {
  return readdirSync(outbox).filter((name) => name.endsWith('.eml') && readFileSync(join(outbox, name), 'utf8').includes(`To: ${to}`)).length;
}

describe.each(DIALECTS)('accounts at /auth/ on %s', (dialect) => {
  let t: TestApp;
  let outbox: string;

  async function start(accounts: Partial<AccountsConfig> = {}): Promise<void> {
    outbox = mkdtempSync(join(tmpdir(), 'tessera-outbox-'));
    t = await createTestApp(dialect, { config: { accounts: { ...testConfig().accounts, outbox, requestsAllowed: 1000, ...accounts } } });
  }

  const post = (url: string, payload: unknown, token?: string) =>
    t.inject({ method: 'POST', url, payload: payload as object, headers: token === undefined ? {} : { authorization: `Token ${token}` } });

  async function signUp(username: string, password = GOOD_PASSWORD): Promise<{ id: number; email: string }> {
    const email = `${username}@example.com`;
    const response = await post('/auth/users/', { username, password, email });
    expect(response.statusCode).toBe(201);
    return { id: (response.json() as { id: number }).id, email };
  }

  async function activeUser(username: string): Promise<{ id: number; email: string; token: string }> {
    const user = await signUp(username);
    const link = await mailTo(outbox, user.email, 'activate');
    expect((await post('/auth/users/activation/', { uid: link.uid, token: link.token })).statusCode).toBe(204);
    const login = await post('/auth/token/login/', { username, password: GOOD_PASSWORD });
    return { ...user, token: (login.json() as { auth_token: string }).auth_token };
  }

  async function auditActions(): Promise<string[]> {
    const rows = await t.database.db.kysely.selectFrom('tessera_audit_log').select('action').orderBy('id').execute();
    return rows.map((row) => row.action);
  }

  afterEach(async () => {
    await t?.close();
    rmSync(outbox, { recursive: true, force: true });
  });

  describe('with the defaults', () => {
    beforeEach(() => start());

    it('signs up an inactive user, sends the activation link, activates once, then logs in', async () => {
      const response = await post('/auth/users/', { username: 'alice', password: GOOD_PASSWORD, email: 'alice@example.com' });
      expect(response.statusCode).toBe(201);
      expect(response.body).toBe(`{"email":"alice@example.com","username":"alice","id":${(response.json() as { id: number }).id}}`);
      expect((await post('/auth/token/login/', { username: 'alice', password: GOOD_PASSWORD })).json()).toEqual({
        non_field_errors: ['Unable to log in with provided credentials.'],
      });

      const link = await mailTo(outbox, 'alice@example.com', 'activate');
      expect(link.text).toMatch(/^Subject: Account activation on Tessera$/m);
      expect(link.text).toMatch(/^From: webmaster@localhost$/m);
      expect(link.text).toContain("You're receiving this email because you need to finish activation process on Tessera.");
      expect(link.text).toContain(`http://localhost:80/activate/${link.uid}/${link.token}`);
      expect(link.uid).toBe(Buffer.from(String((response.json() as { id: number }).id)).toString('base64url'));

      expect((await post('/auth/users/activation/', { uid: link.uid, token: link.token })).statusCode).toBe(204);
      const again = await post('/auth/users/activation/', { uid: link.uid, token: link.token });
      expect(again.statusCode).toBe(403);
      expect(again.json()).toEqual({ detail: 'Stale token for given user.' });

      const login = await post('/auth/token/login/', { username: 'alice', password: GOOD_PASSWORD });
      expect(login.statusCode).toBe(200);
      expect(Object.keys(login.json() as object)).toEqual(['auth_token']);
      const drf = await post('/api/token-auth/', { username: 'alice', password: GOOD_PASSWORD });
      expect((drf.json() as { token: string }).token).toBe((login.json() as { auth_token: string }).auth_token);
      const row = await t.database.db.kysely.selectFrom('auth_user').select(['is_active', 'last_login']).where('username', '=', 'alice').executeTakeFirstOrThrow();
      expect(Boolean(row.is_active)).toBe(true);
      expect(row.last_login).not.toBeNull(); // djoser's login sets it; /api/token-auth/ does not
      expect(await auditActions()).toEqual(['user_created', 'login_failed', 'user_updated', 'login', 'login']);
    });

    it.each([
      ['nothing', {}, { username: ['This field is required.'], password: ['This field is required.'] }],
      ['bad values', { username: 'a b'.repeat(60), password: '', email: 'nope' }, {
        email: ['Enter a valid email address.'],
        username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.', 'Ensure this field has no more than 150 characters.'],
        password: ['This field may not be blank.'],
      }],
      ['a common, numeric password', { username: 'bob', password: '12345678' }, { password: ['This password is too common.', 'This password is entirely numeric.'] }],
      ['a password like the username', { username: 'carol99', password: 'carol991', email: 'c@example.com' }, { password: ['The password is too similar to the username.'] }],
      ['a password like the e-mail', { username: 'someone', password: 'cmpexamplecom', email: 'cmp@example.com' }, { password: ['The password is too similar to the email address.'] }],
    ])('refuses a sign-up with %s as djoser does', async (_name, payload, body) => {
      const response = await post('/auth/users/', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(body);
    });

    it('refuses a taken username before judging the password', async () => {
      await signUp('dave');
      expect((await post('/auth/users/', { username: 'dave', password: '1' })).json()).toEqual({ username: ['A user with that username already exists.'] });
    });

    it('shows users/me, lists only the caller (staff: everyone) and hides other users', async () => {
      const erin = await activeUser('erin');
      const frank = await activeUser('frank');
      const me = await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${erin.token}` } });
      expect(me.json()).toEqual({ email: 'erin@example.com', id: erin.id, username: 'erin' });
      const list = await t.inject({ method: 'GET', url: '/auth/users/', headers: { authorization: `Token ${erin.token}` } });
      expect(list.json()).toEqual([{ email: 'erin@example.com', id: erin.id, username: 'erin' }]);
      const other = await t.inject({ method: 'GET', url: `/auth/users/${frank.id}/`, headers: { authorization: `Token ${erin.token}` } });
      expect([other.statusCode, other.json()]).toEqual([404, { detail: 'Not found.' }]);
      const deleteOther = await t.inject({ method: 'DELETE', url: `/auth/users/${frank.id}/`, payload: {}, headers: { authorization: `Token ${erin.token}` } });
      expect([deleteOther.statusCode, deleteOther.json()]).toEqual([403, { detail: 'You do not have permission to perform this action.' }]);

      await t.createUser('root', { isStaff: true });
      const staffKey = await t.login('root');
      const all = await t.inject({ method: 'GET', url: '/auth/users/', headers: { authorization: `Token ${staffKey}` } });
      expect((all.json() as Array<{ username: string }>).map((user) => user.username)).toEqual(['erin', 'frank', 'root']);
      expect((await t.inject({ method: 'GET', url: `/auth/users/${frank.id}/`, headers: { authorization: `Token ${staffKey}` } })).statusCode).toBe(200);

      const anonymous = await t.inject({ method: 'GET', url: '/auth/users/' });
      expect([anonymous.statusCode, anonymous.headers['www-authenticate']]).toEqual([401, 'Token']);
      const get405 = await t.inject({ method: 'GET', url: '/auth/users/activation/', headers: { authorization: `Token ${erin.token}` } });
      expect([get405.statusCode, get405.headers.allow]).toEqual([405, 'POST, OPTIONS']);
    });

    it('changing the e-mail deactivates the account until the new address is confirmed', async () => {
      const gina = await activeUser('gina');
      const patch = await t.inject({ method: 'PATCH', url: '/auth/users/me/', payload: { email: 'gina2@example.com', username: 'ignored' }, headers: { authorization: `Token ${gina.token}` } });
      expect(patch.json()).toEqual({ email: 'gina2@example.com', id: gina.id, username: 'gina' });
      const refused = await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${gina.token}` } });
      expect([refused.statusCode, refused.json()]).toEqual([401, { detail: 'User inactive or deleted.' }]);
      const link = await mailTo(outbox, 'gina2@example.com', 'activate');
      expect((await post('/auth/users/activation/', { uid: link.uid, token: link.token })).statusCode).toBe(204);
      expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${gina.token}` } })).statusCode).toBe(200);
    });

    it('deletes the account with the current password only', async () => {
      const hank = await activeUser('hank');
      const wrong = await t.inject({ method: 'DELETE', url: '/auth/users/me/', payload: { current_password: 'nope' }, headers: { authorization: `Token ${hank.token}` } });
      expect(wrong.json()).toEqual({ current_password: ['Invalid password.'] });
      const gone = await t.inject({ method: 'DELETE', url: '/auth/users/me/', payload: { current_password: GOOD_PASSWORD }, headers: { authorization: `Token ${hank.token}` } });
      expect(gone.statusCode).toBe(204);
      expect(await t.database.db.kysely.selectFrom('auth_user').select('id').where('id', '=', hank.id).executeTakeFirst()).toBeUndefined();
      expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${hank.token}` } })).json()).toEqual({ detail: 'Invalid token.' });
    });

    it('changes the password after checking the current one; the token stays', async () => {
      const ivy = await activeUser('ivy');
      const wrong = await post('/auth/users/set_password/', { new_password: '1', current_password: 'wrong' }, ivy.token);
      expect(wrong.json()).toEqual({ current_password: ['Invalid password.'] });
      const weak = await post('/auth/users/set_password/', { new_password: 'ivy@example', current_password: GOOD_PASSWORD }, ivy.token);
      expect(weak.json()).toEqual({ new_password: ['The password is too similar to the email address.'] });
      expect((await post('/auth/users/set_password/', { new_password: 'Another-Pass-7', current_password: GOOD_PASSWORD }, ivy.token)).statusCode).toBe(204);
      expect((await post('/auth/token/login/', { username: 'ivy', password: 'Another-Pass-7' })).statusCode).toBe(200);
      expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${ivy.token}` } })).statusCode).toBe(200);
      expect(await auditActions()).toContain('password_changed');
    });

    it('resets a forgotten password through the e-mailed link, once', async () => {
      const jo = await activeUser('jo');
      expect((await post('/auth/users/reset_password/', { email: 'nobody@example.com' })).statusCode).toBe(204);
      expect(mailCount(outbox, 'nobody@example.com')).toBe(0);
      expect((await post('/auth/users/reset_password/', { email: jo.email })).statusCode).toBe(204);
      const link = await mailTo(outbox, jo.email, 'password-reset');
      expect(link.text).toMatch(/^Subject: Password reset on Tessera$/m);
      expect(link.text).toContain("Your username, in case you've forgotten: jo");
      const weak = await post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: '123' });
      expect(weak.json()).toEqual({ new_password: ['This password is too short. It must contain at least 8 characters.', 'This password is too common.', 'This password is entirely numeric.'] });
      expect((await post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: 'Reset-Pass-9' })).statusCode).toBe(204);
      const reused = await post('/auth/users/reset_password_confirm/', { uid: link.uid, token: link.token, new_password: 'Reset-Pass-10' });
      expect(reused.json()).toEqual({ token: ['Invalid token for given user.'] });
      expect((await post('/auth/token/login/', { username: 'jo', password: 'Reset-Pass-9' })).statusCode).toBe(200);
      const bad = await post('/auth/users/reset_password_confirm/', { uid: '!!', token: 'x', new_password: 'Reset-Pass-11' });
      expect(bad.json()).toEqual({ uid: ["Invalid user id or user doesn't exist."] });
    });

    it('resends the activation e-mail to an inactive account, and says 400 (no body) otherwise', async () => {
      const kim = await signUp('kim');
      const resent = await post('/auth/users/resend_activation/', { email: kim.email });
      expect(resent.statusCode).toBe(204);
      await mailTo(outbox, kim.email, 'activate');
      const none = await post('/auth/users/resend_activation/', { email: 'nobody@example.com' });
      expect([none.statusCode, none.body, none.headers['content-type']]).toEqual([400, '', undefined]);
    });

    it('sets the username after checking the current password', async () => {
      const lee = await activeUser('lee');
      const own = await post('/auth/users/set_username/', { new_username: 'lee', current_password: GOOD_PASSWORD }, lee.token);
      expect(own.json()).toEqual({ new_username: ['A user with that username already exists.'] });
      const both = await post('/auth/users/set_username/', { new_username: 'a b', current_password: 'wrong' }, lee.token);
      expect(both.json()).toEqual({
        current_password: ['Invalid password.'],
        new_username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      });
      expect((await post('/auth/users/set_username/', { new_username: 'lee2', current_password: GOOD_PASSWORD }, lee.token)).statusCode).toBe(204);
      expect((await post('/auth/token/login/', { username: 'lee2', password: GOOD_PASSWORD })).statusCode).toBe(200);
    });

    it('logs out with token/logout (204): the key stops working', async () => {
      const max = await activeUser('max');
      const out = await post('/auth/token/logout/', undefined, max.token);
      expect([out.statusCode, out.body]).toEqual([204, '']);
      expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${max.token}` } })).json()).toEqual({ detail: 'Invalid token.' });
    });

    it('answers the router root and OPTIONS as djoser does', async () => {
      const ned = await activeUser('ned');
      const root = await t.inject({ method: 'GET', url: '/auth/', headers: { authorization: `Token ${ned.token}` } });
      expect(root.json()).toEqual({ users: 'http://localhost:80/auth/users/' });
      const options = await t.inject({ method: 'OPTIONS', url: '/auth/token/login/' });
      expect((options.json() as { actions: unknown }).actions).toEqual({
        POST: {
          password: { type: 'string', required: false, read_only: false, label: 'Password' },
          username: { type: 'string', required: false, read_only: false, label: 'Username' },
        },
      });
    });
  });

  it('throttles sign-ups, resends and resets per e-mail address with DRF\'s 429', async () => {
    await start({ requestsAllowed: 2 });
    expect((await post('/auth/users/reset_password/', { email: 'x@example.com' })).statusCode).toBe(204);
    expect((await post('/auth/users/resend_activation/', { email: 'x@example.com' })).statusCode).toBe(400);
    const third = await post('/auth/users/reset_password/', { email: 'X@example.com' });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toEqual({ detail: expect.stringMatching(/^Request was throttled\. Expected available in \d+ seconds\.$/) });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(3500);
    expect((await post('/auth/users/reset_password/', { email: 'y@example.com' })).statusCode).toBe(204);
  });

  it('per-device tokens: each djoser login is a new device token, and logout ends only that one', async () => {
    outbox = mkdtempSync(join(tmpdir(), 'tessera-outbox-'));
    t = await createTestApp(dialect, { config: { tokenMode: 'per-device', accounts: { ...testConfig().accounts, outbox } } });
    await t.createUser('pat');
    const login = () => post('/auth/token/login/', { username: 'pat', password: 'test-password-123' });
    const first = (await login()).json() as { auth_token: string };
    const second = (await login()).json() as { auth_token: string };
    expect(first.auth_token).not.toBe(second.auth_token);
    expect((await post('/auth/token/logout/', undefined, first.auth_token)).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${first.auth_token}` } })).statusCode).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${second.auth_token}` } })).statusCode).toBe(200);
  });

  it('REGISTRATION=false: POST /auth/users/ is 404, the rest stays', async () => {
    await start({ registration: false });
    const response = await post('/auth/users/', { username: 'zed', password: GOOD_PASSWORD });
    expect([response.statusCode, response.json()]).toEqual([404, { detail: 'Not found.' }]);
    await t.createUser('zed');
    const key = await t.login('zed');
    expect((await t.inject({ method: 'GET', url: '/auth/users/me/', headers: { authorization: `Token ${key}` } })).statusCode).toBe(200);
  });
});
