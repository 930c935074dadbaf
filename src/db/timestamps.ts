// One timestamp format in the database and one on the wire, on both databases.
//   stored:  "2026-11-28 14:51:16.620289" (UTC; Django's SQLite format, PostgreSQL input)
//   JSON:    "2026-11-28T14:51:16.620289Z" (DRF's DateTimeField; no fraction when it is 0)

/** A moment as stored (UTC); `extraMicroseconds` (0-999) go past the Date's milliseconds. */
export function toStoredTimestamp(date: Date, extraMicroseconds = 0): string {
  const iso = date.toISOString(); // 2026-11-28T14:51:16.620Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(extraMicroseconds).padStart(3, '0')}`;
}

let lastMicroseconds = 0;

/**
 * Now, in UTC, with microseconds. Date has milliseconds; within one millisecond (or if the
 * wall clock steps back) each call counts up by a microsecond, so the times one process
 * writes never go backwards and never repeat: rows ordered by created_at stay in the order
 * they were made. (Sub-millisecond digits from performance.now() would come from another
 * clock and could go backwards.)
 */
export function nowTimestamp(): string {
  const microseconds = Math.max(Date.now() * 1000, lastMicroseconds + 1);
  lastMicroseconds = microseconds;
  return toStoredTimestamp(new Date(Math.floor(microseconds / 1000)), microseconds % 1000);
}

const STORED = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(?:Z|[+-]00(?::?00)?)?$/;

/** Six digits after the point (positions 20-25), not all zero. */
function hasMicroseconds(stored: string): boolean {
  let nonZero = false;
  for (let index = 20; index < 26; index++) {
    const code = stored.charCodeAt(index);
    if (code < 48 || code > 57) return false;
    if (code !== 48) nonZero = true;
  }
  return nonZero;
}

/** A stored timestamp (from either database) as DRF renders it. */
export function toApiDateTime(stored: string): string {
  // The usual "2026-11-28 14:51:16.620289" (what Tessera writes), without the regex.
  if (stored.length === 26 && stored.charCodeAt(10) === 32 && stored.charCodeAt(19) === 46 && hasMicroseconds(stored)) {
    return `${stored.slice(0, 10)}T${stored.slice(11)}Z`;
  }
  const match = STORED.exec(stored);
  if (match === null) return stored;
  const [, date, time, fraction] = match;
  const micro = (fraction ?? '').padEnd(6, '0');
  return micro === '000000' ? `${date}T${time}Z` : `${date}T${time}.${micro}Z`;
}

/**
 * A date, a clock time ("HH:MM" or "HH:MM:SS"), its fraction of a second and an optional
 * UTC offset ("Z", "+05", "+0530", "+05:30") as stored, in UTC; null when there is no such
 * moment (2026-02-30, 25:00). The fraction is kept digit for digit.
 */
export function storedFromParts(date: string, clock: string, fraction: string, offset: string | undefined): string | null {
  // Date() rolls 2026-02-30 over to March; Django refuses it.
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) return null;
  const seconds = clock.length === 5 ? `${clock}:00` : clock;
  const zone = offset === undefined || offset === 'Z' ? 'Z' : offset.replace(/^([+-]\d\d):?(\d\d)?$/, (_, hours: string, minutes?: string) => `${hours}:${minutes ?? '00'}`);
  const moment = new Date(`${date}T${seconds}${zone}`);
  if (Number.isNaN(moment.getTime())) return null;
  return `${toStoredTimestamp(moment).slice(0, 19)}.${fraction.padEnd(6, '0')}`;
}
