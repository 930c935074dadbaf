// The performance machinery stays below the declarations: on SQLite, an audited write of
// a declared resource (create, update, delete) runs the row's statement and its audit
// entry as one synchronous BEGIN IMMEDIATE ... COMMIT, and validation (a foreign key's
// existence check) before it. While a Kysely transaction holds the connection (an admin
// write between its statements), the write waits for it instead.
import { afterEach, describe, expect, it } from 'vitest';
import { holdTransaction } from '../db/held-transaction.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { gadgetProject } from './gadgets.js';

describe('an audited write of a resource on SQLite', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** The first word or two of each statement SQLite ran during `send`. */
  async function statementsOf(send: () => Promise<{ statusCode: number; body: string }>, status: number): Promise<string[]> {
    statements.length = 0;
    awaitedInside = false;
    recording = true;
    const response = await send();
    recording = false;
    expect(response.statusCode, response.body).toBe(status);
    return statements.map((sql) => {
      const words = sql.trim().split(/\s+/);
      return words[0]!.toLowerCase() === 'insert' ? `insert ${words[2]}` : words[0]!.toLowerCase() === 'update' ? `update ${words[1]}` : words.slice(0, 3).join(' ').toLowerCase();
    });
  }
  const statements: string[] = [];
  let recording = false;
  // Whether a microtask ran between a BEGIN and its COMMIT: a promise inside the transaction.
  let inTransaction = false;
  let awaitedInside = false;
  function trace(sql: string): void {
    if (!recording) return;
    statements.push(sql);
    if (/^begin/i.test(sql)) {
      inTransaction = true;
      queueMicrotask(() => {
        if (inTransaction) awaitedInside = true;
      });
    } else if (/^(commit|rollback)/i.test(sql)) {
      inTransaction = false;
    }
  }

  it.each([
    ['a create', 'POST', '/api/gadgets/', { name: 'h', size: 2, kind: 'b', parent: 1 }, 201, ['insert "test_gadget"', 'insert "tessera_audit_log"']],
    ['an update', 'PATCH', '/api/gadgets/1/', { size: 3 }, 200, ['update "test_gadget"', 'insert "tessera_audit_log"']],
    ['a delete', 'DELETE', '/api/gadgets/1/', undefined, 204, ['delete from "test_gadget"', 'insert "tessera_audit_log"']],
  ])('writes %s and its audit entry in one synchronous transaction', async (_what, method, url, payload, status, written) => {
    t = await createTestApp('sqlite', { project: gadgetProject, trace });
    const headers = { authorization: `Token ${await t.token(await t.createUser('ann'))}` };
    expect((await t.inject({ method: 'POST', url: '/api/gadgets/', headers, payload: { name: 'g', size: 1, kind: 'a' } })).statusCode).toBe(201);

    const ran = await statementsOf(() => t!.inject({ method: method as 'POST', url, headers, ...(payload === undefined ? {} : { payload }) }), status);
    const begin = ran.indexOf('begin immediate');
    expect(begin, ran.join('\n')).toBeGreaterThan(0); // the token check and any foreign key's existence come first
    expect(ran.slice(begin, begin + written.length + 2)).toEqual(['begin immediate', ...written, 'commit']);
    expect(ran.filter((sql) => sql === 'begin immediate')).toHaveLength(1);
    expect(awaitedInside).toBe(false);
  });

  it('waits for an admin write that holds the connection, then writes after it', async () => {
    t = await createTestApp('sqlite');
    const headers = { authorization: `Token ${await t.token(await t.createUser('ann'))}`, 'content-type': 'application/json' };
    const admin = await holdTransaction(t.database.db, 'By the admin');

    const created = t.inject({ method: 'POST', url: '/api/products/', headers, payload: JSON.stringify({ name: 'Pen', price: '1' }) })
      .then((response) => ({ response, afterAdmin: admin.committed() }));
    admin.release();
    await admin.done;
    const { response, afterAdmin } = await created;
    expect(response.statusCode, response.body).toBe(201);
    expect(afterAdmin).toBe(true);
    const names = (await t.inject({ method: 'GET', url: '/api/products/', headers })).json().map((product: { name: string }) => product.name);
    expect(names).toEqual(['By the admin', 'Pen']);
    const entries = await t.database.db.kysely.selectFrom('tessera_audit_log').select(['action', 'object_repr']).execute();
    expect(entries).toEqual([{ action: 'product_created', object_repr: 'Pen' }]);
  });
});
