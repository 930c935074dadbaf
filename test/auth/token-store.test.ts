// The token functions of the entry point (DRF's Token.objects): a key's user, resetting and
// revoking, on the handle they are given.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceToken } from '../../src/auth/device-tokens.js';
import { findUserByKey, getOrCreateKey, resetToken, revokeToken } from '../../src/auth/token-store.js';
import { createTokenSealer } from '../../src/auth/tokens.js';
import { insertUser } from '../../src/auth/users.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/database.js';

describe.each(DIALECTS)('token functions on %s', (dialect) => {
  let database: TestDatabase;
  const sealer = createTokenSealer('token-store-test-secret-that-is-long-enough');
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it("find a key's user, and stop finding it once reset or revoked", async () => {
    const db = database.db.kysely;
    const user = await insertUser(db, { username: 'ann', passwordHash: '!', is_active: false });
    const key = await getOrCreateKey(db, sealer, user.id);
    expect(await findUserByKey(db, key)).toMatchObject({ id: user.id, username: 'ann', is_active: false });
    expect(await findUserByKey(db, '0'.repeat(40))).toBeNull();
    const fresh = await resetToken(db, sealer, user.id);
    expect(await findUserByKey(db, key)).toBeNull();
    expect((await findUserByKey(db, fresh))?.id).toBe(user.id);
    expect(await revokeToken(db, user.id)).toBe(true);
    expect(await findUserByKey(db, fresh)).toBeNull();
  });

  it("run in the caller's transaction: committed with it, or rolled back with it", async () => {
    const db = database.db.kysely;
    const user = await insertUser(db, { username: 'ann', passwordHash: '!' });
    const key = await getOrCreateKey(db, sealer, user.id);
    await expect(db.transaction().execute(async (trx) => {
      await resetToken(trx, sealer, user.id);
      await createDeviceToken(trx, user.id, 'phone', null);
      throw new Error('the audit entry failed');
    })).rejects.toThrow('the audit entry failed');
    expect((await findUserByKey(db, key))?.id).toBe(user.id);
    expect(await db.selectFrom('tessera_device_token').selectAll().execute()).toEqual([]);

    const [fresh, device] = await db.transaction().execute(async (trx) => [await resetToken(trx, sealer, user.id), await createDeviceToken(trx, user.id, 'phone', null)] as const);
    expect(await findUserByKey(db, key)).toBeNull();
    expect((await findUserByKey(db, fresh))?.id).toBe(user.id);
    expect(await db.selectFrom('tessera_device_token').select('name').execute()).toEqual([{ name: 'phone' }]);
    expect(device.expires).toBeNull();
  });
});
