// ModelViewSet (rest_framework/viewsets.py, generics.py, mixins.py): list, create,
// retrieve, update, partial_update and destroy for one resource, on two views (the list
// URL and the object URL). Every action goes through the same hooks, as GenericAPIView's
// do, so none can forget them:
//   getQueryset()  the rows this request may see (the declaration's `queryset`)
//   getObject()    the object by primary key within them (404 outside), then the
//                  permission's has_object_permission (401/403)
//   filter, search, ordering, pagination on lists
//   performCreate  what a create adds (the owner comes from a currentUser field)
// Reads on SQLite answer synchronously, inside the view's read transaction. A write and
// its audit entry are one transaction (Db.write): on SQLite a synchronous one, after the
// body is read and validated, outside the read transaction.
//
// An unpaginated, unfiltered list (DRF's body: a JSON array) is read LIST_CHUNK_ROWS at a
// time, by primary key. Up to that many rows it is answered as any other response (one
// query, Content-Length); a longer one is streamed as compact JSON, chunk by chunk as the
// client reads it (Transfer-Encoding: chunked), so that no response holds the whole table
// in memory. Each chunk is a query of its own: rows written meanwhile may or may not be
// in the later chunks, and no row appears twice. An indented or HTML rendering is built
// whole, as before.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditEntryInsert, requestAuditEntry } from '../audit/audit-log.js';
import { hasObjectPermission, type Permission } from '../auth/permissions.js';
import { permissionDenied, type AccessPolicy } from '../auth/plugin.js';
import type { AuthScheme } from '../auth/schemes.js';
import type { Db, WriteStatement } from '../db/connect.js';
import { errors } from '../errors.js';
import { parseObjectId } from '../http/params.js';
import { stringifyJson } from '../http/renderers.js';
import { registerView, type ApiResponse, type ViewRequest } from '../http/view.js';
import { isPromise, mapMaybePromise, type MaybePromise } from '../maybe-promise.js';
import { filterQuery, orderingTerms, orderQuery, searchQuery, type ListFilters } from './filters.js';
import type { Pagination } from './pagination.js';
import { resourceRows, type ResourceRows, type Scope } from './queryset.js';
import type { Resource } from './resource.js';
import { modelSerializer, type ColumnValues, type ModelSerializer, type StoredRow } from './serializers.js';

export type Action = 'list' | 'create' | 'retrieve' | 'update' | 'partial_update' | 'destroy';
export const MODEL_VIEWSET_ACTIONS: readonly Action[] = ['list', 'create', 'retrieve', 'update', 'partial_update', 'destroy'];

export interface ViewSetOptions extends ListFilters {
  /** The viewset's docstring: OPTIONS' "description". */
  readonly description?: string;
  /** Default: the app's (TokenAuthentication, and more when configured). */
  readonly authentication?: readonly AuthScheme[];
  /** View-level and object-level; default: the app's (IsAuthenticated). */
  readonly permission?: Permission;
  /** get_queryset(): the rows a request may see. Default: all. */
  readonly queryset?: (request: FastifyRequest) => Scope;
  /** perform_create(): columns to add to a create's values (after the fields' own). */
  readonly performCreate?: (request: FastifyRequest, values: ColumnValues) => ColumnValues;
  /** Default: none (a JSON array, as DRF without a pagination class). */
  readonly pagination?: Pagination | null;
  /** Record every write in the audit log (in the write's transaction) under this object type. */
  readonly audit?: string;
  /** Fewer actions (a ReadOnlyModelViewSet: ['list', 'retrieve']). Default: all six. */
  readonly actions?: readonly Action[];
}

export interface ViewSet {
  readonly resource: Resource;
  readonly serializer: ModelSerializer;
  readonly options: ViewSetOptions;
}

/** A ModelViewSet for a resource: the declaration a router registers. */
export function modelViewSet(resource: Resource, options: ViewSetOptions = {}): ViewSet {
  const serializer = modelSerializer(resource);
  // Fail at declaration, not at the first request: every named field must exist.
  for (const name of [...(options.filterFields ?? []), ...(options.searchFields ?? []), ...(options.orderingFields ?? []), ...(options.ordering ?? []).map((term) => term.replace(/^-+/, ''))]) {
    if (resource.field(name) === undefined) throw new Error(`${resource.name} viewset names ${name}, which is not one of its fields`);
  }
  return { resource, serializer, options };
}

/** Rows an unpaginated list reads at a time; a longer list is streamed. */
export const LIST_CHUNK_ROWS = 1000;

/** Whether the negotiated rendering is compact JSON, which a list can be written as in parts. */
function rendersCompactJson(request: FastifyRequest): boolean {
  const negotiated = request.negotiated;
  return negotiated === null || (negotiated.renderer.format === 'json' && !negotiated.acceptedMediaType.params.has('indent'));
}

export interface ViewSetContext {
  readonly db: Db;
  /** The app's default authentication and permission. */
  readonly defaultAccess: AccessPolicy;
}

/** The URLs of a registered viewset. */
export interface ViewSetUrls {
  readonly list: string;
  readonly detail: string;
}

function objectKey(request: FastifyRequest): number {
  const key = parseObjectId((request.params as { pk?: string }).pk);
  if (key === null) throw errors.notFound();
  return key;
}

/** Registers the viewset's two views at `<basePath><prefix>/` and `<basePath><prefix>/:pk/`. */
export function registerViewSet(app: FastifyInstance, urls: ViewSetUrls, viewset: ViewSet, context: ViewSetContext): void {
  const { resource, serializer, options } = viewset;
  const rows: ResourceRows = resourceRows(context.db, resource);
  const access: AccessPolicy = {
    authentication: options.authentication ?? context.defaultAccess.authentication,
    permission: options.permission ?? context.defaultAccess.permission,
  };
  const permission = access.permission;
  const actions = new Set(options.actions ?? MODEL_VIEWSET_ACTIONS);
  const queryset = options.queryset ?? ((): Scope => null);
  const pagination = options.pagination ?? null;
  const filtered = options.filterFields !== undefined || options.searchFields !== undefined || options.orderingFields !== undefined || options.ordering !== undefined;
  const defaultOrdering = options.ordering ?? [resource.primaryKey.name];
  const dialect = context.db.dialect;
  const audited = options.audit;
  const references = (table: string, column: string, key: number) => rows.exists(table, column, key);
  const displayColumn = resource.field(resource.display)!.column;

  const checksObjects = permission.hasObjectPermission !== undefined;

  /** check_object_permissions(): 401 or 403 as for the view's own permission. */
  function checkObject(request: FastifyRequest, row: StoredRow, method: string): void {
    if (checksObjects && !hasObjectPermission(permission, { user: request.user, method }, row)) throw permissionDenied(request, access, permission);
  }

  /** get_object(): the object within the request's queryset, then its permission. */
  function getObject(request: FastifyRequest, method: string = request.method): MaybePromise<StoredRow> {
    const key = objectKey(request);
    return mapMaybePromise(rows.get(key, queryset(request)), (row) => {
      if (row === undefined) throw errors.notFound();
      checkObject(request, row, method);
      return row;
    });
  }

  const keyColumn = resource.primaryKey.column;

  /** The rows of an unfiltered list after its first chunk, a chunk at a time. */
  async function* chunks(first: readonly StoredRow[]): AsyncGenerator<readonly StoredRow[]> {
    let chunk = first;
    while (chunk.length > LIST_CHUNK_ROWS) {
      yield chunk.slice(0, LIST_CHUNK_ROWS);
      chunk = await rows.page(Number(chunk[LIST_CHUNK_ROWS - 1]![keyColumn]), LIST_CHUNK_ROWS + 1);
    }
    yield chunk;
  }

  /** JSONRenderer's compact array, written a chunk at a time: the same bytes as stringifyJson(all). */
  async function* jsonArray(first: readonly StoredRow[]): AsyncGenerator<string> {
    let opened = false;
    for await (const chunk of chunks(first)) {
      if (chunk.length === 0) continue;
      yield (opened ? ',' : '[') + stringifyJson(chunk.map(serializer.represent)).slice(1, -1);
      opened = true;
    }
    yield opened ? ']' : '[]';
  }

  async function allRows(first: readonly StoredRow[]): Promise<StoredRow[]> {
    const all: StoredRow[] = [];
    for await (const chunk of chunks(first)) all.push(...chunk);
    return all;
  }

  function unfilteredList(request: FastifyRequest): MaybePromise<ApiResponse> {
    return mapMaybePromise(rows.page(null, LIST_CHUNK_ROWS + 1), (first): MaybePromise<ApiResponse> => {
      if (first.length <= LIST_CHUNK_ROWS) return { status: 200, data: first.map(serializer.represent) };
      if (rendersCompactJson(request)) return { status: 200, data: Readable.from(jsonArray(first), { objectMode: false }) };
      return allRows(first).then((all): ApiResponse => ({ status: 200, data: all.map(serializer.represent) }));
    });
  }

  function list(request: FastifyRequest): MaybePromise<ApiResponse> {
    const scope = queryset(request);
    if (!filtered && pagination === null && scope === null) return unfilteredList(request);
    let query = rows.select(scope);
    if (options.filterFields !== undefined) query = filterQuery(request, resource, options.filterFields, query);
    if (options.searchFields !== undefined) query = searchQuery(request, resource, options.searchFields, dialect, query);
    const ordered = orderQuery(resource, orderingTerms(request, options.orderingFields ?? [], defaultOrdering), dialect, query);
    if (pagination === null) {
      return mapMaybePromise(rows.execute(ordered), (found): ApiResponse => ({ status: 200, data: found.map(serializer.represent) }));
    }
    const page = pagination.paginate(request, {
      count: () => mapMaybePromise(
        rows.execute(query.clearSelect().select((eb) => eb.fn.countAll().as('count'))),
        (counted) => Number(counted[0]?.count ?? 0),
      ),
      fetch: (limit, offset) => mapMaybePromise(rows.execute(ordered.limit(limit).offset(offset)), (found) => found.map(serializer.represent)),
    });
    return mapMaybePromise(page, (body): ApiResponse => ({ status: 200, data: body }));
  }

  /** The object as the API shows it after a write: the written row, or read again when it shows a joined value (the owner's name). */
  async function shown(written: StoredRow): Promise<Record<string, unknown>> {
    if (!rows.needsJoin) return serializer.represent(written);
    const row = await rows.get(Number(written[resource.primaryKey.column]), null);
    if (row === undefined) throw errors.notFound();
    return serializer.represent(row);
  }

  /**
   * The write's audit entry, a statement of the write's transaction (none for a resource
   * that is not audited). The write and its entry run without an await in between, so
   * that SQLite runs both in one synchronous transaction (Db.write).
   */
  function audit(run: WriteStatement, request: FastifyRequest, action: 'created' | 'updated' | 'deleted', object: { id: number; repr: string }, changes?: ColumnValues): MaybePromise<unknown> {
    if (audited === undefined) return undefined;
    return run(auditEntryInsert(context.db.kysely, requestAuditEntry(request, `${audited}_${action}`, { type: audited, ...object }, changes)));
  }

  async function create(request: FastifyRequest, view: ViewRequest): Promise<ApiResponse> {
    const validated = await serializer.validate(await view.data(), { partial: false, references });
    let values = serializer.createValues(validated, request.user);
    if (options.performCreate !== undefined) values = { ...values, ...options.performCreate(request, values) };
    const written = await rows.write((run) => mapMaybePromise(rows.insert(run, values), (inserted) => {
      const key = inserted[resource.primaryKey.column] as number;
      return mapMaybePromise(audit(run, request, 'created', { id: key, repr: String(inserted[displayColumn] ?? key) }, serializer.changes(values, null)), () => inserted);
    }), { atomic: audited !== undefined });
    return { status: 201, data: await shown(written) };
  }

  async function update(request: FastifyRequest, view: ViewRequest, partial: boolean): Promise<ApiResponse> {
    // The object first: a missing one is 404 whatever the body (get_object runs before the serializer).
    const current = await getObject(request);
    const validated = await serializer.validate(await view.data(), { partial, references });
    const values = serializer.updateValues(validated, current);
    const key = Number(current[resource.primaryKey.column]);
    if (Object.keys(values).length === 0) return { status: 200, data: serializer.represent(current) };
    const written = await rows.write((run) => mapMaybePromise(rows.update(run, key, values), (updated) => {
      if (updated === undefined) throw errors.notFound();
      const changes = serializer.changes(values, current);
      if (Object.keys(changes).length === 0) return updated;
      return mapMaybePromise(audit(run, request, 'updated', { id: key, repr: String(updated[displayColumn]) }, changes), () => updated);
    }), { atomic: audited !== undefined });
    return { status: 200, data: await shown(written) };
  }

  async function destroy(request: FastifyRequest): Promise<ApiResponse> {
    const current = await getObject(request);
    const key = Number(current[resource.primaryKey.column]);
    await rows.write((run) => mapMaybePromise(rows.remove(run, key), () => audit(run, request, 'deleted', { id: key, repr: String(current[displayColumn]) })), { atomic: audited !== undefined });
    return { status: 204 };
  }

  const baseName = resource.name;
  const listActions = actions.has('list') || actions.has('create');
  if (listActions) {
    registerView(app, {
      url: urls.list,
      name: `${baseName} List`,
      description: options.description,
      access,
      ...(actions.has('list') ? { get: list } : {}),
      ...(actions.has('create') ? { post: create } : {}),
      actions: async () => serializer.actionFields,
    });
  }
  registerView(app, {
    url: urls.detail,
    name: `${baseName} Instance`,
    description: options.description,
    access,
    ...(actions.has('retrieve') ? {
      get: (request: FastifyRequest) => mapMaybePromise(getObject(request), (row): ApiResponse => ({ status: 200, data: serializer.represent(row) })),
    } : {}),
    ...(actions.has('update') ? { put: (request: FastifyRequest, view: ViewRequest) => update(request, view, false) } : {}),
    ...(actions.has('partial_update') ? { patch: (request: FastifyRequest, view: ViewRequest) => update(request, view, true) } : {}),
    ...(actions.has('destroy') ? { delete: destroy } : {}),
    // SimpleMetadata offers PUT's fields only when get_object() succeeds for a PUT.
    async actions(request, method) {
      try {
        const found = getObject(request, method);
        if (isPromise(found)) await found;
        return serializer.actionFields;
      } catch {
        return null;
      }
    },
  });
}
