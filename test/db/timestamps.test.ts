// Stored timestamps as DRF writes them, from either database's text.
import { describe, expect, it } from 'vitest';
import { toApiDateTime } from '../../src/db/timestamps.js';
import { parseObjectId } from '../../src/http/params.js';

describe('toApiDateTime', () => {
  it.each([
    ['2026-11-28 14:51:16.620289', '2026-11-28T14:51:16.620289Z'], // what Tessera writes
    ['2026-11-28 14:51:16.000000', '2026-11-28T14:51:16Z'], // DRF drops a zero fraction
    ['2026-11-28 14:51:16.62', '2026-11-28T14:51:16.620000Z'], // PostgreSQL trims zeros
    ['2026-11-28 14:51:16', '2026-11-28T14:51:16Z'],
    ['2026-11-28T14:51:16.5Z', '2026-11-28T14:51:16.500000Z'],
    ['2026-11-28 14:51:16.620289+00', '2026-11-28T14:51:16.620289Z'],
    ['2026-11-28 14:51:16.964+00', '2026-11-28T14:51:16.964000Z'], // timestamptz, 26 characters too
    ['not a time', 'not a time'],
  ])('%s -> %s', (stored, api) => {
    expect(toApiDateTime(stored)).toBe(api);
  });
});

describe('parseObjectId', () => {
  it.each([
    ['42', 42],
    ['007', 7],
    [' 42 ', 42],
    ['+42', 42],
    ['1_000', 1000],
    ['999999999999999', 999999999999999],
    ['9007199254740993', null], // beyond a safe integer: no such row, 404
    ['-1', null],
    ['4.2', null],
    ['', null],
  ])('%j -> %j', (raw, id) => {
    expect(parseObjectId(raw)).toBe(id);
  });
});
