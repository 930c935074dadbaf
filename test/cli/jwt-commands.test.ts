// The CLI and JWT refresh tokens: flushexpiredtokens, and `token revoke` / `user set
// --inactive` ending a user's refresh tokens with their other tokens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blacklistToken, isBlacklisted, listOutstanding, recordOutstanding } from '../../src/auth/jwt/blacklist.js';
import { jwtCodec, newClaims, nowSeconds, type Claims } from '../../src/auth/jwt/tokens.js';
import { findUserByUsername } from '../../src/auth/users.js';
import { revokeTokenCommand, setUserCommand } from '../../src/cli/commands.js';
import { flushExpiredTokensCommand } from '../../src/cli/jwt.js';
import { commandContext } from '../helpers/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';

const codec = jwtCodec('cli-test-signing-key-cli-test-signing-key');

describe.each(DIALECTS)('JWT refresh tokens from the CLI on %s', (dialect) => {
  let database: TestDatabase;
  let userId: number;
  async function issue(lifetimeSeconds: number, issuedAt = nowSeconds()): Promise<Claims> {
    const claims = newClaims('refresh', userId, lifetimeSeconds, issuedAt);
    await recordOutstanding(database.db.kysely, userId, await codec.sign(claims), claims);
    return claims;
  }
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const { ctx } = commandContext(database);
    await setUserCommand(ctx, 'alice', { password: 'alice-password', active: true, staff: false });
    userId = (await findUserByUsername(database.db.kysely, 'alice'))!.id;
  });
  afterEach(async () => {
    await database.drop();
  });

  it('flushexpiredtokens deletes expired refresh tokens and their blacklist rows, and keeps the rest', async () => {
    const expired = await issue(60, nowSeconds() - 3600);
    const blacklistedExpired = await issue(60, nowSeconds() - 3600);
    await blacklistToken(database.db.kysely, 'x.y.z', blacklistedExpired);
    const live = await issue(86_400);
    const { ctx, out } = commandContext(database);
    await flushExpiredTokensCommand(ctx);
    expect(out()).toBe('Deleted 2 expired refresh tokens\n');
    expect((await listOutstanding(database.db.kysely, userId)).map((token) => token.jti)).toEqual([live.jti]);
    expect(await isBlacklisted(database.db.kysely, String(expired.jti))).toBe(false);
  });

  it('token revoke and user set --inactive blacklist the user\'s live refresh tokens', async () => {
    const first = await issue(86_400);
    const { ctx } = commandContext(database);
    await revokeTokenCommand(ctx, 'alice');
    expect(await isBlacklisted(database.db.kysely, String(first.jti))).toBe(true);
    const second = await issue(86_400);
    await setUserCommand(ctx, 'alice', { password: 'alice-password', active: false });
    expect(await isBlacklisted(database.db.kysely, String(second.jti))).toBe(true);
  });
});
