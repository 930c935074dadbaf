/**
 * Where the API token lives in the browser.
 *
 * "Remember me" checked: `localStorage`, so the session survives closing the browser.
 * Unchecked: `sessionStorage`, so it ends with the tab. Either way the token is readable by
 * any script running on this origin; web/README.md explains the XSS trade-off and why we
 * accept it for a DRF TokenAuthentication API (the token must go in an `Authorization`
 * header, so an httpOnly cookie is not an option without changing the server contract).
 *
 * Only one storage holds a token at a time: saving to one clears the other, and reading
 * prefers the tab's own session. The username is kept beside the token only to greet the
 * user; it is never sent anywhere. When storage is unavailable (disabled cookies, some
 * private modes) the store falls back to memory: the user stays signed in until reload.
 */

export interface Session {
  token: string;
  username: string;
}

export interface SaveOptions {
  /** Keep the session after the browser closes (`localStorage`). */
  remember: boolean;
}

export interface TokenStore {
  read(): Session | null;
  save(session: Session, options: SaveOptions): void;
  clear(): void;
  /**
   * Swaps the key of the stored session for a new one, in the storage the session is in
   * ("remember me" stays as chosen): after signing in again, or after resetting one's own
   * token. Does nothing without a session.
   */
  replaceToken(token: string): void;
  /** Calls `listener` when another tab signs in or out; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

const TOKEN_KEY = 'tessera.token';
const USERNAME_KEY = 'tessera.username';

export function createBrowserTokenStore(): TokenStore {
  const persistent = safeStorage(() => window.localStorage);
  const perTab = safeStorage(() => window.sessionStorage);
  let memory: Session | null = null;

  return {
    read(): Session | null {
      return readFrom(perTab) ?? readFrom(persistent) ?? memory;
    },
    save(session: Session, options: SaveOptions): void {
      const target = options.remember ? persistent : perTab;
      const other = options.remember ? perTab : persistent;
      removeFrom(other);
      memory = null;
      if (!writeTo(target, session)) memory = session;
    },
    clear(): void {
      removeFrom(persistent);
      removeFrom(perTab);
      memory = null;
    },
    replaceToken(token: string): void {
      for (const storage of [perTab, persistent]) {
        const session = readFrom(storage);
        if (session !== null) {
          writeTo(storage, { ...session, token });
          return;
        }
      }
      if (memory !== null) memory = { ...memory, token };
    },
    subscribe(listener: () => void): () => void {
      // The `storage` event fires in the *other* tabs of this origin, which is exactly
      // when we need it: signing out in one tab signs out every remembered tab.
      function onStorage(event: StorageEvent): void {
        if (event.key === null || event.key === TOKEN_KEY) listener();
      }
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
  };
}

/** A store that forgets everything on reload; for tests and for embedding. */
export function createMemoryTokenStore(initial: Session | null = null): TokenStore {
  let session = initial;
  return {
    read: () => session,
    save: (next) => {
      session = next;
    },
    clear: () => {
      session = null;
    },
    replaceToken: (token) => {
      if (session !== null) session = { ...session, token };
    },
    subscribe: () => () => {},
  };
}

function safeStorage(get: () => Storage): Storage | null {
  try {
    const storage = get();
    const probe = '__tessera_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

function readFrom(storage: Storage | null): Session | null {
  if (storage === null) return null;
  try {
    const token = storage.getItem(TOKEN_KEY);
    if (!token) return null;
    return { token, username: storage.getItem(USERNAME_KEY) ?? '' };
  } catch {
    return null;
  }
}

function writeTo(storage: Storage | null, session: Session): boolean {
  if (storage === null) return false;
  try {
    storage.setItem(TOKEN_KEY, session.token);
    storage.setItem(USERNAME_KEY, session.username);
    return true;
  } catch {
    return false;
  }
}

function removeFrom(storage: Storage | null): void {
  if (storage === null) return;
  try {
    storage.removeItem(TOKEN_KEY);
    storage.removeItem(USERNAME_KEY);
  } catch {
    // Nothing to do: a storage we cannot write to holds nothing of ours.
  }
}
