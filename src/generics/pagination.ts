// DRF's pagination classes (rest_framework/pagination.py): PageNumberPagination and
// LimitOffsetPagination, with their query parameters, bodies, absolute links and
// `Invalid page.`. A list view hands them a count and a fetch of one slice, so the count
// and the page come from the same conditions (and, on SQLite, the same read transaction).
import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { errors } from '../errors.js';
import { parseObjectId } from '../http/params.js';
import { mapMaybePromise, type MaybePromise } from '../maybe-promise.js';

type Query = Record<string, string | string[] | undefined>;

/** QueryDict.get(): the last value of a repeated parameter. */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query | undefined)?.[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** DRF's _positive_int(): int() of the text, not negative (nor 0 when strict), cut to the cutoff; null when it is none. */
function positiveInt(raw: string | undefined, options: { strict: boolean; cutoff?: number }): number | null {
  if (raw === undefined) return null;
  const value = parseObjectId(raw);
  if (value === null || (options.strict && value === 0)) return null;
  return options.cutoff === undefined ? value : Math.min(value, options.cutoff);
}

// Python's urllib.parse.quote_plus: letters, digits and _.-~ stay; space becomes +.
function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

function unquotePlus(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text.replace(/\+/g, ' ');
  }
}

/**
 * DRF's replace_query_param / remove_query_param on the request's absolute URL: the
 * parameters are re-encoded sorted by name, as urlencode(sorted(...)) does.
 */
export function linkWith(request: FastifyRequest, changes: Readonly<Record<string, string | null>>): string {
  const [path = '', rawQuery = ''] = request.url.split('?', 2) as [string, string?];
  const params = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = unquotePlus(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : unquotePlus(part.slice(equals + 1));
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, [value]);
  }
  const query = [...params.keys()]
    .sort()
    .flatMap((name) => params.get(name)!.map((value) => `${quotePlus(name)}=${quotePlus(value)}`))
    .join('&');
  return `${request.protocol}://${request.host}${path}${query === '' ? '' : `?${query}`}`;
}

export interface Page<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}

/** A list's rows: how many there are, and one slice of them in order. */
export interface Slicer<T> {
  count(): MaybePromise<number>;
  fetch(limit: number, offset: number): MaybePromise<T[]>;
}

export interface Pagination {
  paginate<T>(request: FastifyRequest, rows: Slicer<T>): MaybePromise<Page<T>>;
  /** OpenAPI: the query parameters it reads. */
  readonly parameters: ReadonlyArray<{ name: string; description: string; schema: Record<string, unknown> }>;
}

export interface PageNumberOptions {
  readonly pageSize: number;
  /** e.g. 'page_size'; unset: clients cannot choose (DRF's default). */
  readonly pageSizeQueryParam?: string;
  readonly maxPageSize?: number;
}

/** PageNumberPagination: ?page=N (or `last`); an empty list has one empty first page. */
export function pageNumberPagination(options: PageNumberOptions): Pagination {
  const { pageSize, pageSizeQueryParam, maxPageSize } = options;
  const sizeOf = (request: FastifyRequest): number => {
    if (pageSizeQueryParam === undefined) return pageSize;
    return positiveInt(queryParam(request, pageSizeQueryParam), { strict: true, cutoff: maxPageSize }) ?? pageSize;
  };
  return {
    paginate(request, rows) {
      const size = sizeOf(request);
      return mapMaybePromise(rows.count(), (total) => {
        const pageCount = Math.max(1, Math.ceil(total / size));
        // Django's Paginator.validate_number(); DRF's last_page_strings.
        const raw = queryParam(request, 'page');
        const page = raw === undefined ? 1 : raw === 'last' ? pageCount : parseObjectId(raw);
        if (page === null || page < 1 || page > pageCount) throw errors.notFound('Invalid page.');
        const links = {
          count: total,
          next: page < pageCount ? linkWith(request, { page: String(page + 1) }) : null,
          previous: page > 1 ? linkWith(request, { page: page === 2 ? null : String(page - 1) }) : null,
        };
        if (total === 0) return { ...links, results: [] };
        return mapMaybePromise(rows.fetch(size, (page - 1) * size), (results) => ({ ...links, results }));
      });
    },
    parameters: [
      { name: 'page', description: 'A page number from 1, or `last`', schema: { type: 'string' } },
      ...(pageSizeQueryParam === undefined ? [] : [{
        name: pageSizeQueryParam,
        description: `Results per page (default ${pageSize}${maxPageSize === undefined ? '' : `, at most ${maxPageSize}`})`,
        schema: { type: 'integer' },
      }]),
    ],
  };
}

export interface LimitOffsetOptions {
  readonly defaultLimit: number;
  readonly maxLimit?: number;
}

/** LimitOffsetPagination: ?limit=N&offset=M; past the end is an empty page, never an error. */
export function limitOffsetPagination(options: LimitOffsetOptions): Pagination {
  const { defaultLimit, maxLimit } = options;
  return {
    paginate(request, rows) {
      const limit = positiveInt(queryParam(request, 'limit'), { strict: true, cutoff: maxLimit }) ?? defaultLimit;
      return mapMaybePromise(rows.count(), (total) => {
        const offset = positiveInt(queryParam(request, 'offset'), { strict: false }) ?? 0;
        const links = {
          count: total,
          next: offset + limit >= total ? null : linkWith(request, { limit: String(limit), offset: String(offset + limit) }),
          previous: offset <= 0 ? null : linkWith(request, { limit: String(limit), offset: offset - limit <= 0 ? null : String(offset - limit) }),
        };
        if (total === 0 || offset > total) return { ...links, results: [] };
        return mapMaybePromise(rows.fetch(limit, offset), (results) => ({ ...links, results }));
      });
    },
    parameters: [
      { name: 'limit', description: `Results to return (default ${defaultLimit}${maxLimit === undefined ? '' : `, at most ${maxLimit}`})`, schema: { type: 'integer' } },
      { name: 'offset', description: 'Results to skip', schema: { type: 'integer' } },
    ],
  };
}

/** OpenAPI: the body of a paginated list (both classes answer the same keys). */
export function pageSchema(item: TSchema): TSchema {
  return Type.Object({
    count: Type.Integer(),
    next: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
    previous: Type.Union([Type.String({ format: 'uri' }), Type.Null()]),
    results: Type.Array(item),
  });
}
