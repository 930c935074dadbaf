// /api/products/ as DRF's ModelViewSet answers it, on every database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;
const LIST_ALLOW = 'GET, POST, HEAD, OPTIONS';
const DETAIL_ALLOW = 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS';

describe.each(DIALECTS)('products on %s', (dialect) => {
  let t: TestApp;
  let auth: { authorization: string };

  beforeEach(async () => {
    t = await createTestApp(dialect);
    auth = { authorization: `Token ${await t.token(await t.createUser('alice'))}` };
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (payload: unknown) =>
    t.inject({ method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  const createRaw = (payload: string) =>
    t.inject({ method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'application/json' }, payload });

  it('creates, lists, retrieves, updates, patches and deletes', async () => {
    const created = await create({ name: '  Pen ', description: 'Blue ink', price: '12.5' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.headers.allow).toBe(LIST_ALLOW);
    const product = created.json();
    expect(Object.keys(product)).toEqual(['id', 'name', 'description', 'price', 'created_at']);
    expect(product).toMatchObject({ name: 'Pen', description: 'Blue ink', price: '12.50' });
    expect(product.created_at).toMatch(ISO_UTC);

    const list = await t.inject({ method: 'GET', url: '/api/products/', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([product]);

    const url = `/api/products/${product.id}/`;
    const one = await t.inject({ method: 'GET', url, headers: auth });
    expect(one.json()).toEqual(product);
    expect(one.headers.allow).toBe(DETAIL_ALLOW);
    expect(one.headers.vary).toBe('Accept, Origin');

    const put = await t.inject({ method: 'PUT', url, headers: auth, payload: { name: 'Pencil', description: 'HB', price: '3.75' } });
    expect(put.json()).toEqual({ ...product, name: 'Pencil', description: 'HB', price: '3.75' });

    const patch = await t.inject({ method: 'PATCH', url, headers: auth, payload: { price: 4 } });
    expect(patch.json()).toEqual({ ...product, name: 'Pencil', description: 'HB', price: '4.00' });

    const head = await t.inject({ method: 'HEAD', url, headers: auth });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');

    const deleted = await t.inject({ method: 'DELETE', url, headers: auth });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(deleted.headers['content-type']).toBeUndefined();

    const gone = await t.inject({ method: 'GET', url, headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ detail: 'Not found.' });
  });

  it('records each write in the audit log, as the admin\'s are', async () => {
    const product = (await create({ name: 'Pen', price: '12.5' })).json();
    const url = `/api/products/${product.id}/`;
    await t.inject({ method: 'PATCH', url, headers: auth, payload: { price: '4', description: 'Blue' } });
    await t.inject({ method: 'PATCH', url, headers: auth, payload: { price: '4.00' } }); // no change, no entry
    await t.inject({ method: 'DELETE', url, headers: auth });
    const entries = await t.database.db.kysely.selectFrom('tessera_audit_log').selectAll().orderBy('id').execute();
    expect(entries.map((entry) => [entry.actor_username, entry.action, entry.object_type, entry.object_id, entry.object_repr, JSON.parse(entry.changes), entry.ip])).toEqual([
      ['alice', 'product_created', 'product', String(product.id), 'Pen', { name: 'Pen', description: '', price: '12.50' }, '127.0.0.1'],
      ['alice', 'product_updated', 'product', String(product.id), 'Pen', { description: ['', 'Blue'], price: ['12.50', '4.00'] }, '127.0.0.1'],
      ['alice', 'product_deleted', 'product', String(product.id), 'Pen', {}, '127.0.0.1'],
    ]);
  });

  it('writes nothing, a 500, when a write\'s audit entry cannot be written', async () => {
    const product = (await create({ name: 'Pen', price: '12.5' })).json();
    const url = `/api/products/${product.id}/`;
    // Every audit insert now fails.
    await t.database.db.kysely.schema.alterTable('tessera_audit_log').renameTo('tessera_audit_log_away').execute();

    expect((await create({ name: 'Ink', price: '1' })).statusCode).toBe(500);
    expect((await t.inject({ method: 'PATCH', url, headers: auth, payload: { price: '4' } })).statusCode).toBe(500);
    expect((await t.inject({ method: 'DELETE', url, headers: auth })).statusCode).toBe(500);

    const list = await t.inject({ method: 'GET', url: '/api/products/', headers: auth });
    expect(list.json()).toEqual([product]);
  });

  it('keeps description blank when it is not sent, and ignores read-only and unknown fields', async () => {
    const response = await create({ name: 'A', price: '1', id: 999, created_at: '2000-01-01T00:00:00Z', color: 'red' });
    expect(response.statusCode).toBe(201);
    const product = response.json();
    expect(product.id).not.toBe(999);
    expect(product.description).toBe('');
    expect(product.created_at.startsWith('2000')).toBe(false);
    expect(Object.keys(product)).toEqual(['id', 'name', 'description', 'price', 'created_at']);
  });

  it('keeps microseconds and the exact decimal on both databases', async () => {
    const product = (await create({ name: 'Exact', price: '99999999.99' })).json();
    const again = (await t.inject({ method: 'GET', url: `/api/products/${product.id}/`, headers: auth })).json();
    expect(again.price).toBe('99999999.99');
    expect(again.created_at).toBe(product.created_at);
  });

  it.each([
    ['"1e2"', '100.00'],
    ['1e2', '100.00'],
    ['" 7.5 "', '7.50'],
    ['"-3"', '-3.00'],
    ['0', '0.00'],
    ['"1_000"', '1000.00'],
    ['".5"', '0.50'],
    ['"5."', '5.00'],
    ['1.5', '1.50'],
  ])('price %s is stored as %s', async (price, expected) => {
    const response = await createRaw(`{"name": "p", "price": ${price}}`);
    expect(response.statusCode).toBe(201);
    expect(response.json().price).toBe(expected);
  });

  it.each([
    ['"12345678901"', 'Ensure that there are no more than 10 digits in total.'],
    ['"1.230"', 'Ensure that there are no more than 2 decimal places.'],
    ['"123456789"', 'Ensure that there are no more than 8 digits before the decimal point.'],
    ['1234567890', 'Ensure that there are no more than 8 digits before the decimal point.'],
    ['1234567890.0', 'Ensure that there are no more than 10 digits in total.'],
    ['"0e9"', 'Ensure that there are no more than 8 digits before the decimal point.'],
    ['1e-7', 'Ensure that there are no more than 2 decimal places.'],
    ['"abc"', 'A valid number is required.'],
    ['""', 'A valid number is required.'],
    ['true', 'A valid number is required.'],
    ['"NaN"', 'A valid number is required.'],
    ['"Infinity"', 'A valid number is required.'],
    ['[1]', 'A valid number is required.'],
    [`"${'1'.repeat(1001)}"`, 'String value too large.'],
    ['null', 'This field may not be null.'],
  ])('price %s -> %s', async (price, message) => {
    const response = await createRaw(`{"name": "p", "price": ${price}}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ price: [message] });
  });

  it('reports every bad field at once, one list each, in field order', async () => {
    const response = await create({ name: `\u0000${'x'.repeat(300)}`, description: null, price: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(JSON.stringify({
      name: ['Ensure this field has no more than 255 characters.', 'Null characters are not allowed.'],
      description: ['This field may not be null.'],
      price: ['A valid number is required.'],
    }));
  });

  it.each([
    [{ price: '1' }, { name: ['This field is required.'] }],
    [{ name: '   ', price: '1' }, { name: ['This field may not be blank.'] }],
    [{ name: true, price: '1' }, { name: ['Not a valid string.'] }],
    [{ name: { a: 1 }, price: '1' }, { name: ['Not a valid string.'] }],
    [{ name: 'x'.repeat(256), price: '1' }, { name: ['Ensure this field has no more than 255 characters.'] }],
    [{}, { name: ['This field is required.'], price: ['This field is required.'] }],
  ])('create %j -> 400 %j', async (payload, expected) => {
    const response = await create(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual(expected);
  });

  it('counts characters as Python does (255 emoji are fine)', async () => {
    const response = await create({ name: '😀'.repeat(255), price: '1' });
    expect(response.statusCode).toBe(201);
  });

  it('takes a number as a name, as its Python string', async () => {
    expect((await createRaw('{"name": 1e16, "price": 1}')).json().name).toBe('1e+16');
    expect((await createRaw('{"name": 5, "price": 1}')).json().name).toBe('5');
  });

  it('escapes U+2028 and U+2029 and leaves other text raw', async () => {
    const response = await create({ name: 'a\u2028b\u2029c', description: 'é😀<>&', price: '1' });
    expect(response.body).toContain('"name":"a\\u2028b\\u2029c"');
    expect(response.body).toContain('"description":"é😀<>&"');
  });

  it('accepts form-urlencoded and multipart, and refuses a file as a string', async () => {
    const form = await t.inject({
      method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Pen+x&price=1.5&description=a%20b',
    });
    expect(form.json()).toMatchObject({ name: 'Pen x', description: 'a b', price: '1.50' });
    const boundary = 'b0undary';
    const file = await t.inject({
      method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: [`--${boundary}`, 'Content-Disposition: form-data; name="name"', '', 'Pen',
        `--${boundary}`, 'Content-Disposition: form-data; name="price"', '', '2',
        `--${boundary}`, 'Content-Disposition: form-data; name="description"; filename="d.txt"', 'Content-Type: text/plain', '', 'text',
        `--${boundary}--`, ''].join('\r\n'),
    });
    expect(file.statusCode).toBe(400);
    expect(file.json()).toEqual({ description: ['Not a valid string.'] });
  });

  it.each([
    ['{"a" 1}', "JSON parse error - Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['  ', 'JSON parse error - Expecting value: line 1 column 3 (char 2)'],
    ['{"a":1} x', 'JSON parse error - Extra data: line 1 column 9 (char 8)'],
    ['\n\n  {"é": [1, 2,]}', 'JSON parse error - Expecting value: line 3 column 15 (char 16)'],
    ['{"a": NaN}', "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"],
    ['{"a":"x\ty"}', 'JSON parse error - Invalid control character at: line 1 column 8 (char 7)'],
    ['{"a":"\\q"}', 'JSON parse error - Invalid \\escape: line 1 column 7 (char 6)'],
    ['{"a":"abc', 'JSON parse error - Unterminated string starting at: line 1 column 6 (char 5)'],
  ])('malformed JSON %j -> 400 %s', async (payload, detail) => {
    const response = await createRaw(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ detail });
  });

  it('reports bytes that are not UTF-8 as Python does', async () => {
    const response = await t.inject({
      method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0xff]),
    });
    expect(response.json()).toEqual({ detail: "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 1: invalid start byte" });
  });

  it('answers 415 with the Content-Type as sent, and 415 "" for a body without one', async () => {
    const plain = await t.inject({ method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'text/plain; charset=utf-8' }, payload: 'x' });
    expect(plain.statusCode).toBe(415);
    expect(plain.json()).toEqual({ detail: 'Unsupported media type "text/plain; charset=utf-8" in request.' });
    const none = await t.inject({ method: 'POST', url: '/api/products/', headers: auth, payload: 'x' });
    expect(none.statusCode).toBe(415);
    expect(none.json()).toEqual({ detail: 'Unsupported media type "" in request.' });
    // No body and no Content-Type is an empty form (DRF's request.data), not a 415.
    const empty = await t.inject({ method: 'POST', url: '/api/products/', headers: auth });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ name: ['This field is required.'], price: ['This field is required.'] });
  });

  it('checks authentication before the method, and the method before the body', async () => {
    const anonymous = await t.inject({ method: 'DELETE', url: '/api/products/' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers.allow).toBe(LIST_ALLOW);
    const notAllowed = await t.inject({ method: 'DELETE', url: '/api/products/', headers: auth });
    expect(notAllowed.statusCode).toBe(405);
    expect(notAllowed.json()).toEqual({ detail: 'Method "DELETE" not allowed.' });
    const missing = await t.inject({ method: 'PUT', url: '/api/products/424242/', headers: { ...auth, 'content-type': 'application/json' }, payload: '{bad' });
    expect(missing.statusCode).toBe(404);
  });

  it('negotiates: 406 before authentication, indent from Accept, ?format=', async () => {
    const xml = await t.inject({ method: 'GET', url: '/api/products/', headers: { accept: 'application/xml' } });
    expect(xml.statusCode).toBe(406);
    expect(xml.json()).toEqual({ detail: 'Could not satisfy the request Accept header.' });
    const product = (await create({ name: 'A', price: '1' })).json();
    const indented = await t.inject({ method: 'GET', url: `/api/products/${product.id}/`, headers: { ...auth, accept: 'application/json; indent=2' } });
    expect(indented.body).toBe(JSON.stringify(product, null, 2));
    const badFormat = await t.inject({ method: 'GET', url: '/api/products/?format=xml', headers: auth });
    expect(badFormat.statusCode).toBe(404);
    const html = await t.inject({ method: 'GET', url: '/api/products/', headers: { ...auth, accept: 'text/html' } });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it.each([['abc'], ['-1'], ['%D9%A3x'], ['99999999999999999999999']])('an id like %s is 404, never 500', async (id) => {
    const response = await t.inject({ method: 'GET', url: `/api/products/${id}/`, headers: auth });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'Not found.' });
  });

  it.each([['1.5'], ['']])('a path whose id holds a dot or nothing (%j) is no route: Django\'s 404 page, as DRF\'s lookup_value_regex', async (id) => {
    const response = await t.inject({ method: 'GET', url: `/api/products/${id}/`, headers: auth });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/html');
    expect(response.headers.allow).toBeUndefined();
  });

  it('reads an id in Unicode digits as Python does, and answers 405 for methods DRF does not serve', async () => {
    const product = (await create({ name: 'A', price: '1' })).json();
    const arabic = String(product.id).replace(/\d/g, (digit) => String.fromCodePoint(0x660 + Number(digit)));
    const found = await t.inject({ method: 'GET', url: `/api/products/${encodeURIComponent(arabic)}/`, headers: auth });
    expect(found.json()).toEqual(product);
    const purge = await t.inject({ method: 'PURGE' as never, url: '/api/products/', headers: auth });
    expect(purge.statusCode).toBe(405);
    expect(purge.json()).toEqual({ detail: 'Method "PURGE" not allowed.' });
    expect(purge.headers.allow).toBe('GET, POST, HEAD, OPTIONS');
    const anonymous = await t.inject({ method: 'PROPFIND' as never, url: '/api/products/' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers 415 for a Content-Type that cannot be parsed, naming it as sent', async () => {
    const response = await t.inject({ method: 'POST', url: '/api/products/', headers: { ...auth, 'content-type': 'nonsense' }, payload: 'x' });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({ detail: 'Unsupported media type "nonsense" in request.' });
  });

  it('describes list and detail on OPTIONS, PUT only for an existing object', async () => {
    const list = await t.inject({ method: 'OPTIONS', url: '/api/products/', headers: auth });
    expect(list.body).toBe('{"name":"Product List","description":"","renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"],"actions":{"POST":{"id":{"type":"integer","required":false,"read_only":true,"label":"ID"},"name":{"type":"string","required":true,"read_only":false,"label":"Name","max_length":255},"description":{"type":"string","required":false,"read_only":false,"label":"Description"},"price":{"type":"decimal","required":true,"read_only":false,"label":"Price"},"created_at":{"type":"datetime","required":false,"read_only":true,"label":"Created at"}}}}');
    const product = (await create({ name: 'A', price: '1' })).json();
    const detail = await t.inject({ method: 'OPTIONS', url: `/api/products/${product.id}/`, headers: auth });
    expect(detail.json().name).toBe('Product Instance');
    expect(Object.keys(detail.json().actions)).toEqual(['PUT']);
    const missing = await t.inject({ method: 'OPTIONS', url: '/api/products/424242/', headers: auth });
    expect(missing.json()).toEqual({
      name: 'Product Instance', description: '', renders: ['application/json', 'text/html'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
    });
    const anonymous = await t.inject({ method: 'OPTIONS', url: '/api/products/' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('serves the API root and paths without the trailing slash', async () => {
    const root = await t.inject({ method: 'GET', url: '/api/', headers: auth });
    expect(root.json()).toEqual({ products: 'http://localhost:80/api/products/' });
    const noSlash = await t.inject({ method: 'POST', url: '/api/products', headers: auth, payload: { name: 'n', price: '1' } });
    expect(noSlash.statusCode).toBe(201);
  });

  it('lists products in id order', async () => {
    for (const name of ['c', 'a', 'b']) await create({ name, price: '1' });
    const list = (await t.inject({ method: 'GET', url: '/api/products/', headers: auth })).json() as Array<{ name: string }>;
    expect(list.map((product) => product.name)).toEqual(['c', 'a', 'b']);
  });
});
