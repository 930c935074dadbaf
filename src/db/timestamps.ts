// One timestamp format in the database and one on the wire, on both databases.
//   stored:  "2026-11-28 14:51:16.620289" (UTC; Django's SQLite format, PostgreSQL input)
//   JSON:    "2026-11-28T14:51:16.620289Z" (DRF's DateTimeField; no fraction when it is 0)

/** Now, in UTC, with microseconds (Date has milliseconds; the rest comes from performance.now()). */
export function nowTimestamp(): string {
  const milliseconds = Date.now();
  const extraMicroseconds = Math.floor((performance.now() % 1) * 1000);
  const iso = new Date(milliseconds).toISOString(); // 2026-11-28T14:51:16.620Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(extraMicroseconds).padStart(3, '0')}`;
}

const STORED = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(?:Z|[+-]00(?::?00)?)?$/;

/** A stored timestamp (from either database) as DRF renders it. */
export function toApiDateTime(stored: string): string {
  const match = STORED.exec(stored);
  if (match === null) return stored;
  const [, date, time, fraction] = match;
  const micro = (fraction ?? '').padEnd(6, '0');
  return micro === '000000' ? `${date}T${time}Z` : `${date}T${time}.${micro}Z`;
}
