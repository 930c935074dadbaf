import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserTokenStore, createMemoryTokenStore } from './token-store.ts';

const SESSION = { token: 'a'.repeat(40), username: 'alice' };

afterEach(() => {
  window.localStorage.clear();
  window.sessionStorage.clear();
});

describe('createBrowserTokenStore', () => {
  it('keeps a remembered session in localStorage', () => {
    const store = createBrowserTokenStore();
    store.save(SESSION, { remember: true });
    expect(window.localStorage.getItem('tessera.token')).toBe(SESSION.token);
    expect(window.sessionStorage.getItem('tessera.token')).toBeNull();
    expect(store.read()).toEqual(SESSION);
  });

  it('keeps any other session in sessionStorage', () => {
    const store = createBrowserTokenStore();
    store.save(SESSION, { remember: false });
    expect(window.sessionStorage.getItem('tessera.token')).toBe(SESSION.token);
    expect(window.localStorage.getItem('tessera.token')).toBeNull();
    expect(store.read()).toEqual(SESSION);
  });

  it('holds one session at a time: saving to one storage clears the other', () => {
    const store = createBrowserTokenStore();
    store.save(SESSION, { remember: true });
    store.save({ token: 'b'.repeat(40), username: 'bob' }, { remember: false });
    expect(window.localStorage.getItem('tessera.token')).toBeNull();
    expect(store.read()).toEqual({ token: 'b'.repeat(40), username: 'bob' });
  });

  it('forgets the session everywhere', () => {
    const store = createBrowserTokenStore();
    window.localStorage.setItem('tessera.token', 'stale');
    store.save(SESSION, { remember: false });
    store.clear();
    expect(store.read()).toBeNull();
    expect(window.localStorage.length + window.sessionStorage.length).toBe(0);
  });

  it('tells subscribers when another tab changes the token', () => {
    const store = createBrowserTokenStore();
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    window.dispatchEvent(new StorageEvent('storage', { key: 'tessera.token' }));
    window.dispatchEvent(new StorageEvent('storage', { key: 'unrelated' }));
    stop();
    window.dispatchEvent(new StorageEvent('storage', { key: 'tessera.token' }));
    expect(calls).toBe(1);
  });
});

describe('createMemoryTokenStore', () => {
  it('stores in memory only', () => {
    const store = createMemoryTokenStore();
    store.save(SESSION, { remember: true });
    expect(store.read()).toEqual(SESSION);
    expect(window.localStorage.length).toBe(0);
    store.clear();
    expect(store.read()).toBeNull();
  });
});
