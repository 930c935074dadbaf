// The admin lists' query parameters for the views that are not declared resources (users,
// tokens, the audit log), as DRF's generic list views read them: PageNumberPagination
// (page, page_size), SearchFilter (search), OrderingFilter (ordering) and django-filter's
// exact filters. The pieces are the generics layer's (src/generics/); what is here maps
// the admin's hand-written queries onto them.
import type { FastifyRequest } from 'fastify';
import type { Expression, SelectQueryBuilder } from 'kysely';
import { errors } from '../errors.js';
import { pageNumberPagination, queryParam, type Page } from '../generics/pagination.js';
import { parseBoolean } from '../serializers/fields.js';

export { queryParam } from '../generics/pagination.js';
export { searchCondition, searchTerms } from '../generics/filters.js';

/** Staff lists: 25 a page, `?page_size=` up to 100. */
const adminPagination = pageNumberPagination({ pageSize: 25, pageSizeQueryParam: 'page_size', maxPageSize: 100 });

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
  return Promise.resolve(adminPagination.paginate(request, {
    async count() {
      const counted = await query.clearSelect().select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
      return Number((counted as { count: number | string }).count);
    },
    async fetch(limit, offset) {
      let paged = query;
      for (const [key, direction] of ordering(request, orderingSpec)) paged = paged.orderBy(key as never, direction);
      return (await paged.limit(limit).offset(offset).execute()).map(toResult);
    },
  }));
}
