import { describe, expect, it } from 'vitest';
import { safeNextPath } from './history.ts';
import { matchPath } from './match.ts';

describe('safeNextPath', () => {
  it.each([
    ['/products', '/products'],
    ['/products?page=2', '/products?page=2'],
    [null, '/home'],
    ['', '/home'],
    ['products', '/home'],
    ['//evil.example/', '/home'],
    ['/\\evil.example/', '/home'],
    ['https://evil.example/', '/home'],
  ])('%s -> %s', (value, expected) => {
    expect(safeNextPath(value, '/home')).toBe(expected);
  });
});

describe('matchPath', () => {
  it('matches exact paths, ignoring a trailing slash', () => {
    expect(matchPath('/products', '/products')).toEqual({});
    expect(matchPath('/products', '/products/')).toEqual({});
    expect(matchPath('/products', '/product')).toBeNull();
    expect(matchPath('/products', '/products/1')).toBeNull();
  });

  it('reads parameters', () => {
    expect(matchPath('/admin/users/:id', '/admin/users/42')).toEqual({ id: '42' });
    expect(matchPath('/admin/users/:id', '/admin/users/')).toBeNull();
  });
});
