// The performance machinery stays below the declarations: on SQLite, a GET of a declared
// resource (an object, or a filtered, counted and paged list) runs every statement, from
// the token check to the last read, in one read transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { gadgetProject } from './gadgets.js';

describe('a GET of a resource on SQLite', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([
    ['a product', '/api/products/1/'],
    ['the product list', '/api/products/'],
    ['a page of a filtered, ordered list', '/api/gadgets/?kind=a&ordering=-size&limit=1'],
    ['an object within the queryset', '/api/gadgets/1/'],
  ])('reads %s in one read transaction', async (_what, url) => {
    const statements: string[] = [];
    let recording = false;
    t = await createTestApp('sqlite', { project: gadgetProject, trace: (sql) => { if (recording) statements.push(sql); } });
    const token = await t.token(await t.createUser('ann'));
    await t.inject({ method: 'POST', url: '/api/gadgets/', headers: { authorization: `Token ${token}` }, payload: { name: 'g', size: 1, kind: 'a' } });
    await t.database.db.kysely.insertInto('product').values({ name: 'p', description: '', price: '1.00', created_at: '2026-01-01 00:00:00.000000' }).execute();

    recording = true;
    const response = await t.inject({ method: 'GET', url, headers: { authorization: `Token ${token}` } });
    recording = false;
    expect(response.statusCode, response.body).toBe(200);
    expect(statements[0]).toBe('BEGIN');
    expect(statements.at(-1)).toBe('COMMIT');
    const inside = statements.slice(1, -1);
    expect(inside.length).toBeGreaterThanOrEqual(2); // the token and the resource
    expect(inside.every((sql) => /^select /i.test(sql.trim())), inside.join('\n')).toBe(true);
  });
});
