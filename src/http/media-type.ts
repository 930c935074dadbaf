// Media types as DRF compares them (rest_framework/utils/mediatypes.py): a type, a subtype
// and parameters; `*` matches anything; precedence orders the client's Accept entries.

export interface MediaType {
  readonly full: string;
  readonly mainType: string;
  readonly subType: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses `type/subtype; key=value` like Django's parse_header: type and keys lower-cased. */
export function parseMediaType(raw: string): MediaType {
  const [typePart = '', ...paramParts] = raw.split(';');
  const full = typePart.trim().toLowerCase();
  const slash = full.indexOf('/');
  const mainType = slash === -1 ? full : full.slice(0, slash);
  const subType = slash === -1 ? '' : full.slice(slash + 1);
  const params = new Map<string, string>();
  for (const part of paramParts) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (key !== '') params.set(key, value);
  }
  return { full, mainType, subType, params };
}

/** DRF's _MediaType.precedence: 3 with parameters other than q, 2 full, 1 type/*, 0 wildcard. */
export function precedence(mediaType: MediaType): number {
  if (mediaType.mainType === '*') return 0;
  if (mediaType.subType === '*') return 1;
  const keys = [...mediaType.params.keys()];
  if (keys.length === 0 || (keys.length === 1 && keys[0] === 'q')) return 2;
  return 3;
}

/** DRF's media_type_matches(lhs, rhs): does `offered` (a renderer's or parser's type) satisfy `wanted`? */
export function mediaTypeMatches(offered: MediaType, wanted: MediaType): boolean {
  for (const [key, value] of offered.params) {
    if (key !== 'q' && wanted.params.get(key) !== value) return false;
  }
  if (offered.subType !== '*' && wanted.subType !== '*' && wanted.subType !== offered.subType) return false;
  if (offered.mainType !== '*' && wanted.mainType !== '*' && wanted.mainType !== offered.mainType) return false;
  return true;
}
