import { describe, expect, it } from 'vitest';
import { countLabel, formatDateTime } from './format.ts';

describe('formatDateTime', () => {
  it('formats in the given locale and time zone', () => {
    const format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    expect(formatDateTime('2026-11-28T14:51:16.620289Z', format)).toBe('28 Nov 2026, 14:51');
  });

  it('shows a value it cannot parse as it came', () => {
    expect(formatDateTime('yesterday')).toBe('yesterday');
  });
});

describe('countLabel', () => {
  it('picks singular or plural', () => {
    expect(countLabel(1, 'product', 'products')).toBe('1 product');
    expect(countLabel(3, 'product', 'products')).toBe('3 products');
  });
});
