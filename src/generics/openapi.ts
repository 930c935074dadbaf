// The OpenAPI description of a router's viewsets, derived from their declarations (as DRF's
// rest_framework/schemas/openapi.py AutoSchema does): one path for the list and one for the
// object, an operationId per action (listNotes, createNote, ...), the resource's schema and
// input schema as shared components, its filters, search, ordering and pagination as
// query parameters, and the error responses every view can give.
import type { TSchema } from 'typebox';
import { pageSchema } from './pagination.js';
import type { Router, RouterEntry } from './routers.js';
import { MODEL_VIEWSET_ACTIONS } from './viewsets.js';

export const ref = (name: string): TSchema => ({ $ref: `#/components/schemas/${name}` }) as unknown as TSchema;
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

/** The responses any API view may give besides its own success, as shared components. */
export const ERROR_RESPONSES = {
  400: { description: 'Validation or parse error', ...json(ref('ValidationErrors')) },
  401: { description: 'No, bad or expired credentials (WWW-Authenticate: Token)', ...json(ref('Detail')) },
  403: { description: 'Not allowed', ...json(ref('Detail')) },
  404: { description: 'Not found', ...json(ref('Detail')) },
};

const query = (name: string, description: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

function plural(name: string): string {
  return name.endsWith('s') ? name : `${name}s`;
}

export interface DerivedPaths {
  readonly paths: Record<string, unknown>;
  readonly schemas: Record<string, TSchema>;
}

/** OpenAPI's `{id}` for a route's `:pk`. */
function openApiPath(url: string, keyName = 'id'): string {
  return url.replace(/:pk(\([^)]*\))?/g, `{${keyName}}`).replace(/:([a-z_]+)/gi, '{$1}');
}

function entryPaths(entry: RouterEntry, tag: string, idPrefix: string): DerivedPaths {
  const { resource, serializer, options } = entry.viewset;
  const name = resource.name.replace(/\s+/g, '');
  const idName = `${idPrefix}${name}`;
  const inputName = `${name}Input`;
  const item = ref(name);
  const actions = new Set(options.actions ?? MODEL_VIEWSET_ACTIONS);
  const keyName = resource.primaryKey.name;
  const operation = (id: string, summary: string, ok: number, extra: Record<string, unknown> = {}, response?: unknown) => ({
    operationId: id,
    summary,
    tags: [tag],
    ...extra,
    responses: {
      [ok]: response === undefined ? { description: 'No content' } : { description: 'OK', ...json(response) },
      ...ERROR_RESPONSES,
    },
  });
  const body = { requestBody: { required: true, content: Object.fromEntries(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'].map((type) => [type, { schema: ref(inputName) }])) } };
  const listParameters = [
    ...(options.pagination?.parameters ?? []).map((parameter) => query(parameter.name, parameter.description, parameter.schema)),
    ...(options.filterFields ?? []).map((field) => query(field, `Exactly this ${field}`, resource.field(field)!.field.schema)),
    ...(options.searchFields === undefined ? [] : [query('search', `Words that must all appear in one of: ${options.searchFields.join(', ')}`)]),
    ...(options.orderingFields === undefined ? [] : [query('ordering', `Comma-separated, \`-\` for descending: ${options.orderingFields.join(', ')}`)]),
  ];
  const listPath: Record<string, unknown> = {};
  if (actions.has('list')) {
    listPath.get = operation(`list${plural(idName)}`, `List ${plural(resource.name.toLowerCase())}`, 200,
      listParameters.length > 0 ? { parameters: listParameters } : {},
      options.pagination ? pageSchema(item) : { type: 'array', items: item });
  }
  if (actions.has('create')) listPath.post = operation(`create${idName}`, `Create a ${resource.name.toLowerCase()}`, 201, body, item);
  const detailPath: Record<string, unknown> = { parameters: [{ name: keyName, in: 'path', required: true, schema: { type: 'integer' } }] };
  if (actions.has('retrieve')) detailPath.get = operation(`retrieve${idName}`, `Get a ${resource.name.toLowerCase()}`, 200, {}, item);
  if (actions.has('update')) detailPath.put = operation(`update${idName}`, `Replace a ${resource.name.toLowerCase()}`, 200, body, item);
  if (actions.has('partial_update')) detailPath.patch = operation(`partialUpdate${idName}`, `Change a ${resource.name.toLowerCase()}`, 200, body, item);
  if (actions.has('destroy')) detailPath.delete = operation(`destroy${idName}`, `Delete a ${resource.name.toLowerCase()}`, 204);
  return {
    paths: {
      ...(Object.keys(listPath).length > 0 ? { [openApiPath(entry.list)]: listPath } : {}),
      [openApiPath(entry.detail, keyName)]: detailPath,
    },
    schemas: { [name]: serializer.schema, [inputName]: serializer.inputSchema },
  };
}

/**
 * Every viewset of the routers. A resource on two routers (the admin's) shares its schemas;
 * `idPrefix` keeps the second one's operationIds apart (listAdminProducts).
 */
export function routerPaths(routers: readonly Router[], options: { tag?: string; idPrefix?: string } = {}): DerivedPaths {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, TSchema> = {};
  for (const router of routers) {
    for (const entry of router.entries) {
      const derived = entryPaths(entry, options.tag ?? entry.prefix, options.idPrefix ?? '');
      Object.assign(paths, derived.paths);
      Object.assign(schemas, derived.schemas);
    }
  }
  return { paths, schemas };
}
