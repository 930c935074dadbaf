// Numbers in URLs and query strings, read as Django reads them.

const PLAIN_ID = /^[0-9]{1,15}$/;

/** The URL's id as Django's IntegerField reads it (int(): spaces, sign, underscores). */
export function parseObjectId(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (PLAIN_ID.test(raw)) return Number(raw); // the usual "42"
  const match = /^\s*\+?(\d+(?:_\d+)*)\s*$/.exec(raw);
  if (match === null) return null;
  const id = Number(match[1]!.replace(/_/g, ''));
  return Number.isSafeInteger(id) ? id : null;
}
