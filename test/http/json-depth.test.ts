// Deeply nested JSON bodies, through the views that read them. Python's json refuses the
// 941st nested array or object (RecursionError under DRF on the reference, which DRF does
// not catch: a 500 HTML page); Tessera answers DRF's parse error there, whatever the depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/database.js';

const TOO_DEEP_ARRAY = 'JSON parse error - maximum recursion depth exceeded while decoding a JSON array from a unicode string';
const TOO_DEEP_OBJECT = 'JSON parse error - maximum recursion depth exceeded while decoding a JSON object from a unicode string';

describe.each(DIALECTS)('deeply nested JSON on %s', (dialect) => {
  let t: TestApp;
  let auth: { authorization: string };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.createUser('alice');
    auth = { authorization: `Token ${await t.login('alice')}` };
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, payload: string) =>
    t.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload });

  it.each([
    ['/api/products/', '100,000 arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `${TOO_DEEP_ARRAY}: line 1 column 941 (char 940)`],
    ['/api/token-auth/', '100,000 arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `${TOO_DEEP_ARRAY}: line 1 column 941 (char 940)`],
    ['/api/products/', '100,000 objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, `${TOO_DEEP_OBJECT}: line 1 column 4701 (char 4700)`],
    ['/api/products/', 'as many unclosed arrays as the body limit allows', '['.repeat(2_621_440), `${TOO_DEEP_ARRAY}: line 1 column 941 (char 940)`],
  ])('POST %s with %s: 400, not a crash', async (url, _name, payload, detail) => {
    const response = await post(url, payload);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.json()).toEqual({ detail });
  });

  it('reads what Python reads: 940 levels are data, as on the reference', async () => {
    const list = await post('/api/products/', `${'['.repeat(940)}${']'.repeat(940)}`);
    expect(list.json()).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
    const object = await post('/api/products/', `${'{"a":'.repeat(940)}1${'}'.repeat(940)}`);
    expect(object.json()).toEqual({ name: ['This field is required.'], price: ['This field is required.'] });
    // An error inside the deepest level is still worded at its own place.
    const bad = await post('/api/products/', `${'['.repeat(940)}x`);
    expect(bad.json()).toEqual({ detail: 'JSON parse error - Expecting value: line 1 column 941 (char 940)' });
  });
});
