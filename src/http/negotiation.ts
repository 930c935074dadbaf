// DRF's DefaultContentNegotiation.select_renderer: `?format=` narrows the renderers, then the
// Accept entries are tried by precedence (not by q), and within one precedence level the
// view's renderers in their own order. No match: 406.
import { errors } from '../errors.js';
import { mediaTypeMatches, parseMediaType, precedence, type MediaType } from './media-type.js';
import type { Renderer } from './renderers.js';

export interface Negotiated {
  readonly renderer: Renderer;
  readonly acceptedMediaType: MediaType;
}

const acceptCache = new Map<string, MediaType[][]>();
const ACCEPT_CACHE_LIMIT = 256;

/** Accept entries grouped by precedence, highest first (DRF's order_by_precedence). */
function acceptGroups(header: string): MediaType[][] {
  const cached = acceptCache.get(header);
  if (cached !== undefined) return cached;
  const groups: MediaType[][] = [[], [], [], []];
  for (const token of header.split(',')) {
    const mediaType = parseMediaType(token.trim());
    groups[3 - precedence(mediaType)]!.push(mediaType);
  }
  const result = groups.filter((group) => group.length > 0);
  if (acceptCache.size >= ACCEPT_CACHE_LIMIT) acceptCache.clear();
  acceptCache.set(header, result);
  return result;
}

// The answer for a view's renderers and an Accept header (no ?format=), kept so the usual
// request allocates nothing here; refusals are not kept (each is a fresh error).
const negotiatedCache = new WeakMap<readonly Renderer[], Map<string | undefined, Negotiated>>();

export function selectRenderer(
  renderers: readonly Renderer[],
  accept: string | undefined,
  format: string | undefined,
): Negotiated {
  if (format !== undefined && format !== '') return negotiate(renderers, accept, format);
  let cache = negotiatedCache.get(renderers);
  if (cache === undefined) {
    cache = new Map();
    negotiatedCache.set(renderers, cache);
  }
  let negotiated = cache.get(accept);
  if (negotiated === undefined) {
    negotiated = negotiate(renderers, accept, undefined);
    if (cache.size >= ACCEPT_CACHE_LIMIT) cache.clear();
    cache.set(accept, negotiated);
  }
  return negotiated;
}

function negotiate(renderers: readonly Renderer[], accept: string | undefined, format: string | undefined): Negotiated {
  let candidates = renderers;
  if (format !== undefined && format !== '') {
    candidates = renderers.filter((renderer) => renderer.format === format);
    if (candidates.length === 0) throw errors.notFound();
  }
  for (const group of acceptGroups(accept ?? '*/*')) {
    for (const renderer of candidates) {
      for (const wanted of group) {
        if (mediaTypeMatches(renderer.parsedMediaType, wanted)) {
          // A wildcard accepts the renderer's own type, keeping the client's parameters.
          const acceptedMediaType = precedence(renderer.parsedMediaType) > precedence(wanted)
            ? { ...renderer.parsedMediaType, params: wanted.params }
            : wanted;
          return { renderer, acceptedMediaType };
        }
      }
    }
  }
  throw errors.notAcceptable();
}
