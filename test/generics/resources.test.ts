// The generics layer through HTTP, on a resource declared by the test (gadgets.ts): what
// DRF's ModelViewSet, ModelSerializer, fields, LimitOffsetPagination, filters and
// get_queryset answer, with DRF 3.14's exact messages (checked against DRF's serializer
// fields), on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';
import { gadgetProject } from './gadgets.js';

describe.each(DIALECTS)('a declared resource on %s', (dialect) => {
  let t: TestApp;
  let ann: string;
  let bob: string;
  let annId: number;

  beforeEach(async () => {
    t = await createTestApp(dialect, { project: gadgetProject });
    const annUser = await t.createUser('ann');
    annId = annUser.id;
    ann = await t.token(annUser);
    bob = await t.token(await t.createUser('bob'));
  });
  afterEach(async () => {
    await t.close();
  });

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS', url: string, token: string, payload?: unknown) =>
    t.inject({ method, url, headers: { authorization: `Token ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  async function gadget(token: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const response = await send('POST', '/api/gadgets/', token, { name: 'g', size: 3, kind: 'a', ...fields });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  it('answers OPTIONS with SimpleMetadata built from the fields', async () => {
    const response = await send('OPTIONS', '/api/gadgets/', ann);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      name: 'Gadget List',
      description: '',
      renders: ['application/json', 'text/html'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      actions: {
        POST: {
          id: { type: 'integer', required: false, read_only: true, label: 'ID' },
          maker: { type: 'field', required: false, read_only: true, label: 'Maker' },
          name: { type: 'string', required: true, read_only: false, label: 'Name', max_length: 20 },
          contact: { type: 'email', required: false, read_only: false, label: 'Contact', max_length: 254 },
          size: { type: 'integer', required: true, read_only: false, label: 'Size', min_value: 1, max_value: 10 },
          price: { type: 'decimal', required: false, read_only: false, label: 'Price' },
          kind: {
            type: 'choice', required: true, read_only: false, label: 'Kind', help_text: 'Which sort',
            choices: [{ value: 'a', display_name: 'Alpha' }, { value: 'b', display_name: 'Beta' }],
          },
          parent: { type: 'field', required: false, read_only: false, label: 'Parent' },
          available_from: { type: 'datetime', required: false, read_only: false, label: 'Available from' },
          updated_at: { type: 'datetime', required: false, read_only: true, label: 'Updated at' },
        },
      },
    });
  });

  it.each([
    [
      { name: 'x'.repeat(21), contact: 'nope', size: 11, price: '123.456', kind: 'c', parent: 9999, available_from: 'tomorrow' },
      {
        name: ['Ensure this field has no more than 20 characters.'],
        contact: ['Enter a valid email address.'],
        size: ['Ensure this value is less than or equal to 10.'],
        price: ['Ensure that there are no more than 5 digits in total.'],
        kind: ['"c" is not a valid choice.'],
        parent: ['Invalid pk "9999" - object does not exist.'],
        available_from: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
      },
    ],
    [
      { name: 'ok', size: 0, kind: 'a', parent: 'abc', available_from: '2026-12-01' },
      {
        size: ['Ensure this value is greater than or equal to 1.'],
        parent: ['Incorrect type. Expected pk value, received str.'],
        available_from: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
      },
    ],
    [{ name: 'ok', size: '5.0', kind: 'a', parent: true }, { parent: ['Incorrect type. Expected pk value, received bool.'] }],
    [
      { name: 'ok', size: true, kind: true, parent: [1], available_from: 5 },
      {
        size: ['A valid integer is required.'],
        kind: ['"True" is not a valid choice.'],
        parent: ['Incorrect type. Expected pk value, received list.'],
        available_from: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].'],
      },
    ],
    [{ name: 'ok', size: '1e3', kind: 1, parent: { a: 1 } }, { size: ['A valid integer is required.'], kind: ['"1" is not a valid choice.'], parent: ['Incorrect type. Expected pk value, received dict.'] }],
    [{ size: 3, kind: 'a', name: null }, { name: ['This field may not be null.'] }],
    [{}, { name: ['This field is required.'], size: ['This field is required.'], kind: ['This field is required.'] }],
  ])('validates %j as DRF does', async (body, errors) => {
    const response = await send('POST', '/api/gadgets/', ann, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(errors);
  });

  it('creates with defaults, the owner, a foreign key and a date-time in UTC, and records it in the audit log', async () => {
    const parent = await gadget(ann);
    const response = await send('POST', '/api/gadgets/', ann, {
      name: '  Widget ', size: ' 7 ', kind: 'b', price: 2, parent: String(parent.id), available_from: '2026-12-01T10:00:00.5+02:00', maker: 999,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: body.id, maker: annId, name: 'Widget', contact: '', size: 7, price: '2.00', kind: 'b', parent: parent.id,
      available_from: '2026-12-01T08:00:00.500000Z', updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/),
    });
    const audit = await t.database.db.kysely.selectFrom('tessera_audit_log').selectAll().where('action', '=', 'gadget_created').where('object_id', '=', String(body.id)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_username: 'ann', object_type: 'gadget', object_repr: 'Widget' });
    expect(JSON.parse(audit.changes)).toEqual({
      name: 'Widget', contact: '', size: 7, price: '2.00', kind: 'b', parent: parent.id, available_from: '2026-12-01T08:00:00.500000Z',
    });
  });

  it('updates only what a PATCH sends, records [old, new], and bumps auto_now', async () => {
    const created = await gadget(ann, { price: '1.50' });
    const response = await send('PATCH', `/api/gadgets/${created.id}/`, ann, { price: null, size: 4 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...created, price: null, size: 4, updated_at: expect.any(String) });
    expect(response.json().updated_at >= (created.updated_at as string)).toBe(true);
    const audit = await t.database.db.kysely.selectFrom('tessera_audit_log').select('changes').where('action', '=', 'gadget_updated').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.changes)).toEqual({ price: ['1.50', null], size: [3, 4] });
    const put = await send('PUT', `/api/gadgets/${created.id}/`, ann, { name: 'renamed' });
    expect(put.json()).toEqual({ size: ['This field is required.'], kind: ['This field is required.'] });
  });

  it("keeps every action inside the queryset: another user's object is 404 on every method", async () => {
    const theirs = await gadget(bob);
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await send(method, `/api/gadgets/${theirs.id}/`, ann, method === 'PUT' || method === 'PATCH' ? { size: 'bad' } : undefined);
      expect(response.statusCode, method).toBe(404);
      expect(response.json()).toEqual({ detail: 'Not found.' });
    }
    const options = await send('OPTIONS', `/api/gadgets/${theirs.id}/`, ann);
    expect(options.statusCode).toBe(200);
    expect(options.json().actions).toBeUndefined();
    expect((await send('GET', '/api/gadgets/', ann)).json()).toEqual({ count: 0, next: null, previous: null, results: [] });
    expect((await send('GET', `/api/gadgets/${theirs.id}/`, bob)).statusCode).toBe(200);
  });

  it('pages with LimitOffsetPagination: limit, offset, absolute links, a cap, and no error past the end', async () => {
    const ids: unknown[] = [];
    for (let index = 0; index < 5; index++) ids.push((await gadget(ann, { name: `g${index}` })).id);
    const page = await send('GET', '/api/gadgets/?offset=2&limit=2&kind=a', ann);
    expect(page.json()).toEqual({
      count: 5,
      next: 'http://localhost:80/api/gadgets/?kind=a&limit=2&offset=4',
      previous: 'http://localhost:80/api/gadgets/?kind=a&limit=2',
      results: [expect.objectContaining({ id: ids[2] }), expect.objectContaining({ id: ids[3] })],
    });
    const defaults = await send('GET', '/api/gadgets/?limit=0&offset=-1', ann);
    expect(defaults.json().results.map((row: { id: unknown }) => row.id)).toEqual(ids.slice(0, 2));
    expect((await send('GET', '/api/gadgets/?limit=50', ann)).json().results).toHaveLength(5);
    expect((await send('GET', '/api/gadgets/?offset=9', ann)).json()).toEqual({ count: 5, next: null, previous: 'http://localhost:80/api/gadgets/?limit=2&offset=7', results: [] });
  });

  it('filters with django-filter messages, and orders by value', async () => {
    await gadget(ann, { name: 'cheap', price: '9.99', size: 2 });
    await gadget(ann, { name: 'dear', price: '100.00', size: 2, kind: 'b' });
    const bad = await send('GET', '/api/gadgets/?kind=z&size=big&parent=x', ann);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      kind: ['Select a valid choice. z is not one of the available choices.'],
      size: ['Enter a number.'],
      parent: ['Enter a number.'],
    });
    const byPrice = await send('GET', '/api/gadgets/?ordering=-price&size=2', ann);
    expect(byPrice.json().results.map((row: { name: string }) => row.name)).toEqual(['dear', 'cheap']);
    expect((await send('GET', '/api/gadgets/?kind=b', ann)).json().results.map((row: { name: string }) => row.name)).toEqual(['dear']);
  });
});
