// Token keys: format, digest, and the sealed copy that lets login return the same key.
import { describe, expect, it } from 'vitest';
import { createTokenSealer, digestKey, generateKey, TOKEN_KEY_PATTERN } from '../../src/auth/tokens.js';
import { keyFromAuthorizationHeader } from '../../src/auth/schemes.js';

describe('token keys', () => {
  it('are 40 lowercase hex characters, different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, generateKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(TOKEN_KEY_PATTERN);
  });

  it('are stored as SHA-256 digests', () => {
    expect(digestKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('seal and open with the same secret, and not with another', () => {
    const key = generateKey();
    const digest = digestKey(key);
    const sealer = createTokenSealer('a secret key that is long enough for tests');
    const sealed = sealer.seal(key, digest);
    expect(sealed).not.toContain(key);
    expect(sealer.open(sealed, digest)).toBe(key);
    expect(createTokenSealer('another secret key that is long enough!!').open(sealed, digest)).toBeNull();
    expect(sealer.open(sealed, digestKey(generateKey()))).toBeNull();
    expect(sealer.open(`${sealed.slice(0, -2)}AA`, digest)).toBeNull();
    expect(sealer.open('garbage', digest)).toBeNull();
  });
});

describe('keyFromAuthorizationHeader', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['Bearer abc', null],
    ['Token abc', 'abc'],
    ['tOkEn\tabc', 'abc'],
    ['Token\u000babc', 'abc'],
  ])('%j -> %j', (header, key) => {
    expect(keyFromAuthorizationHeader(header, 'Token', 'Token')).toBe(key);
  });
});
