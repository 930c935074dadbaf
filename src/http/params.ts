// Numbers in URLs and query strings, read as Django reads them.

/** The URL's id as Django's IntegerField reads it (int(): spaces, sign, underscores). */
export function parseObjectId(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const match = /^\s*\+?(\d+(?:_\d+)*)\s*$/.exec(raw);
  if (match === null) return null;
  const id = Number(match[1]!.replace(/_/g, ''));
  return Number.isSafeInteger(id) ? id : null;
}
