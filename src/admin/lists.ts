// The admin lists' query parameters, as DRF's generic list views read them:
// PageNumberPagination (page, page_size), SearchFilter (search), OrderingFilter
// (ordering) and django-filter's exact filters. Each piece turns the query string into a
// clause of one Kysely query, so the count and the page come from the same conditions.
import type { FastifyRequest } from 'fastify';
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { ApiError, errors } from '../errors.js';
import { parseObjectId } from '../http/params.js';
import { parseBoolean } from '../serializers/fields.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

type Query = Record<string, string | string[] | undefined>;

/** QueryDict.get(): the last value of a repeated parameter. */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query | undefined)?.[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** DRF's get_page_size(): a positive int (int() of the text), cut to the maximum, else the default. */
export function pageSize(request: FastifyRequest): number {
  const raw = queryParam(request, 'page_size');
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const size = parseObjectId(raw);
  if (size === null || size <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

function invalidPage(): ApiError {
  return errors.notFound('Invalid page.');
}

/** Django's Paginator.validate_number() for the requested page; 'last' is the last page. */
export function pageNumber(request: FastifyRequest, pageCount: number): number {
  const raw = queryParam(request, 'page');
  if (raw === undefined) return 1;
  if (raw === 'last') return pageCount;
  const number = parseObjectId(raw);
  if (number === null || number < 1 || number > pageCount) throw invalidPage();
  return number;
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
function pageLink(request: FastifyRequest, page: number | null): string {
  const [path = '', rawQuery = ''] = request.url.split('?', 2) as [string, string?];
  const params = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = unquotePlus(equals === -1 ? part : part.slice(0, equals));
    const value = equals === -1 ? '' : unquotePlus(part.slice(equals + 1));
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  if (page === null) params.delete('page');
  else params.set('page', [String(page)]);
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

/**
 * One page of a list: counts, checks the page number, then fetches that page only.
 * An empty list has one empty first page (Django's allow_empty_first_page).
 */
export async function paginate<T>(
  request: FastifyRequest,
  count: () => Promise<number>,
  fetch: (limit: number, offset: number) => Promise<T[]>,
): Promise<Page<T>> {
  const size = pageSize(request);
  const total = await count();
  const pageCount = Math.max(1, Math.ceil(total / size));
  const page = pageNumber(request, pageCount);
  const results = total === 0 ? [] : await fetch(size, (page - 1) * size);
  return {
    count: total,
    next: page < pageCount ? pageLink(request, page + 1) : null,
    previous: page > 1 ? pageLink(request, page === 2 ? null : page - 1) : null,
    results,
  };
}

/** SearchFilter's terms: commas count as spaces, NULs are dropped. */
export function searchTerms(request: FastifyRequest): string[] {
  const raw = queryParam(request, 'search') ?? '';
  return raw.replace(/\0/g, '').replace(/,/g, ' ').split(/\s+/).filter((term) => term !== '');
}

/**
 * Every term found in at least one of the columns, case-insensitively, anywhere (Django's
 * icontains: LIKE on SQLite, whose LIKE ignores ASCII case; ILIKE on PostgreSQL).
 */
export function searchCondition(
  eb: ExpressionBuilder<any, any>,
  dialect: Dialect,
  columns: readonly string[],
  terms: readonly string[],
): Expression<SqlBool> {
  const operator = sql.raw(dialect === 'postgres' ? 'ilike' : 'like');
  return eb.and(terms.map((term) => {
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return eb.or(columns.map((column) => sql<SqlBool>`${sql.ref(column)} ${operator} ${pattern} escape '\\'`));
  }));
}

/** A column name, or an expression to sort by (e.g. a cast). */
export type SortKey = string | Expression<unknown>;

export interface OrderingSpec {
  /** The names ?ordering= accepts, each with the column (or expression) it sorts by. */
  readonly fields: Readonly<Record<string, SortKey>>;
  /** Used when ?ordering= names no valid field, e.g. ['-created']. */
  readonly default: readonly string[];
  /** The unique column that breaks ties, so that pages never overlap. */
  readonly tieBreaker: string;
}

/** OrderingFilter: valid terms of ?ordering= (unknown ones ignored), else the default. */
export function ordering(request: FastifyRequest, spec: OrderingSpec): Array<[key: SortKey, direction: 'asc' | 'desc']> {
  const raw = queryParam(request, 'ordering');
  const requested = raw === undefined ? [] : raw.split(',').map((term) => term.trim());
  let valid = requested.filter((term) => Object.hasOwn(spec.fields, term.replace(/^-/, '')) && term !== '');
  if (valid.length === 0) valid = [...spec.default];
  const order: Array<[SortKey, 'asc' | 'desc']> = valid.map((term) => [
    spec.fields[term.replace(/^-/, '')]!,
    term.startsWith('-') ? 'desc' : 'asc',
  ]);
  if (!order.some(([column]) => column === spec.tieBreaker)) order.push([spec.tieBreaker, order[0]?.[1] ?? 'asc']);
  return order;
}

/**
 * A text filter parameter (?action=login), as django-filter's CharFilter validates it:
 * a NUL is refused (PostgreSQL cannot even compare a string holding one).
 */
export function textFilter(request: FastifyRequest, name: string): string | undefined {
  const raw = queryParam(request, name);
  if (raw === undefined || raw === '') return undefined;
  if (raw.includes('\0')) throw errors.validation({ [name]: ['Null characters are not allowed.'] });
  return raw;
}

/** A boolean filter parameter (?is_active=true); 400 for a value that is not a boolean. */
export function booleanFilter(request: FastifyRequest, name: string): boolean | undefined {
  const raw = queryParam(request, name);
  if (raw === undefined || raw === '') return undefined;
  const value = parseBoolean(raw);
  if (value === null) throw errors.validation({ [name]: ['Must be a valid boolean.'] });
  return value;
}

/**
 * A list view's GET: counts the filtered query, then fetches the requested page in the
 * requested order (ListModelMixin.list with pagination and OrderingFilter).
 */
export function pageOfQuery<Row, T>(
  request: FastifyRequest,
  query: SelectQueryBuilder<any, any, Row>,
  orderingSpec: OrderingSpec,
  toResult: (row: Row) => T,
): Promise<Page<T>> {
  return paginate(
    request,
    async () => {
      const counted = await query.clearSelect().select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
      return Number((counted as { count: number | string }).count);
    },
    async (limit, offset) => {
      let paged = query;
      for (const [key, direction] of ordering(request, orderingSpec)) paged = paged.orderBy(key as never, direction);
      return (await paged.limit(limit).offset(offset).execute()).map(toResult);
    },
  );
}
