// DRF's filter backends (rest_framework/filters.py, django_filters/rest_framework), each a
// clause of one Kysely query, applied in DRF's order: django-filter's exact filters
// (filterset_fields), SearchFilter, OrderingFilter.
import type { FastifyRequest } from 'fastify';
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../db/connect.js';
import { errors } from '../errors.js';
import { queryParam } from './pagination.js';
import type { BoundField, Resource } from './resource.js';

// Kysely's builders over a table that exists only at run time.
type AnyQuery = SelectQueryBuilder<any, any, any>;

export interface ListFilters {
  /** django-filter's filterset_fields: ?name=value, exact, read by each field's type. */
  readonly filterFields?: readonly string[];
  /** SearchFilter's search_fields: ?search= words, each in one of them, case-insensitively. */
  readonly searchFields?: readonly string[];
  /** OrderingFilter's ordering_fields: ?ordering=a,-b; unknown names are ignored. */
  readonly orderingFields?: readonly string[];
  /** The default ordering (the viewset's `ordering`); default: the primary key. */
  readonly ordering?: readonly string[];
}

export function qualified(resource: Resource, entry: BoundField): string {
  return `${resource.table}.${entry.column}`;
}

function fieldsNamed(resource: Resource, names: readonly string[], what: string): BoundField[] {
  return names.map((name) => {
    const entry = resource.field(name);
    if (entry === undefined) throw new Error(`${resource.name}: ${what} names ${name}, which is not one of its fields`);
    return entry;
  });
}

/**
 * DjangoFilterBackend with filterset_fields: each field's filter reads the value (an empty
 * one filters nothing); every invalid value is reported together, as a form's errors.
 */
export function filterQuery(request: FastifyRequest, resource: Resource, names: readonly string[], query: AnyQuery): AnyQuery {
  const problems: Record<string, string[]> = {};
  let filtered = query;
  for (const entry of fieldsNamed(resource, names, 'filterFields')) {
    const raw = queryParam(request, entry.name);
    if (raw === undefined || raw === '') continue;
    const result = entry.field.filter(raw);
    if (result === null) continue;
    if ('error' in result) {
      problems[entry.name] = [result.error];
      continue;
    }
    filtered = filtered.where(qualified(resource, entry), '=', result.value);
  }
  if (Object.keys(problems).length > 0) throw errors.validation(problems);
  return filtered;
}

/** SearchFilter's terms: commas count as spaces, NULs are dropped. */
export function searchTerms(request: FastifyRequest): string[] {
  const raw = queryParam(request, 'search') ?? '';
  return raw.replace(/\0/g, '').replace(/,/g, ' ').split(/\s+/).filter((term) => term !== '');
}

/**
 * Every term found in at least one of the columns, case-insensitively, anywhere (Django's
 * icontains: LIKE on SQLite, whose LIKE ignores ASCII case only, as Django's does there;
 * ILIKE on PostgreSQL). % and _ are matched as themselves.
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

export function searchQuery(request: FastifyRequest, resource: Resource, names: readonly string[], dialect: Dialect, query: AnyQuery): AnyQuery {
  const terms = searchTerms(request);
  if (terms.length === 0) return query;
  const columns = fieldsNamed(resource, names, 'searchFields').map((entry) => qualified(resource, entry));
  return query.where((eb) => searchCondition(eb, dialect, columns, terms));
}

// OrderingFilter's ORDER_PATTERN: a name with at most one sign ("--title" is no term).
const ORDER_TERM = /^-?[\p{L}\p{N}_.]+$/u;

/** OrderingFilter.get_ordering: the valid terms of ?ordering=, else the default. */
export function orderingTerms(request: FastifyRequest, allowed: readonly string[], fallback: readonly string[]): string[] {
  const raw = queryParam(request, 'ordering');
  const requested = raw === undefined ? [] : raw.split(',').map((term) => term.trim());
  const valid = requested.filter((term) => ORDER_TERM.test(term) && allowed.includes(term.replace(/^-/, '')));
  return valid.length > 0 ? valid : [...fallback];
}

/**
 * ORDER BY the terms; the primary key (ascending) breaks ties last so that pages never
 * overlap. NULLs go where each database puts them, as with Django (first ascending on
 * SQLite, last on PostgreSQL).
 */
export function orderQuery(resource: Resource, terms: readonly string[], dialect: Dialect, query: AnyQuery): AnyQuery {
  let ordered = query;
  let hasKey = false;
  for (const term of terms) {
    const name = term.replace(/^-/, '');
    const entry = resource.field(name);
    if (entry === undefined) throw new Error(`${resource.name}: ordering names ${name}, which is not one of its fields`);
    if (entry === resource.primaryKey) hasKey = true;
    const column = qualified(resource, entry);
    const expression = entry.field.sortExpression?.(column, dialect) ?? null;
    const direction = term.startsWith('-') ? 'desc' : 'asc';
    ordered = ordered.orderBy(expression === null ? sql.ref(column) : sql.raw(expression), direction);
  }
  if (!hasKey) ordered = ordered.orderBy(sql.ref(qualified(resource, resource.primaryKey)), 'asc');
  return ordered;
}
