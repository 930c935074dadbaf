// Values that are there at once on SQLite and arrive later on PostgreSQL. better-sqlite3
// answers synchronously, so the per-request path (token check, product read, response)
// runs without a promise on SQLite; pg answers with promises. Code on that path takes
// and returns MaybePromise and chains with mapMaybePromise(); everything else awaits
// (await works on both).

export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** next(value) now for a value, or once it arrives for a promise; what next throws, it throws (or rejects). */
export function mapMaybePromise<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value);
}
