// /api/admin/products/: the products viewset for staff, paginated and searchable, with
// the same fields and validation as /api/products/ and an audit entry for every write,
// written in the write's transaction.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { auditRequestWrite } from '../audit/audit-log.js';
import { nowTimestamp } from '../db/timestamps.js';
import { errors } from '../errors.js';
import { registerView, type ApiResponse, type ViewRequest } from '../http/view.js';
import { toProduct, type Product } from '../products/repository.js';
import { parseObjectId } from '../http/params.js';
import { productActionFields, productFields } from '../products/schemas.js';
import { validateData } from '../serializers/fields.js';
import { pageOfQuery, searchCondition, searchTerms, type OrderingSpec } from './lists.js';
import type { AdminResourceOptions } from './options.js';

const COLUMNS = ['id', 'name', 'description', 'price', 'created_at'] as const;
const EDITABLE = ['name', 'description', 'price'] as const;

export async function adminProductRoutes(app: FastifyInstance, options: AdminResourceOptions): Promise<void> {
  const { access } = options;
  const db = options.db.kysely;
  const dialect = options.db.dialect;
  const productOrdering: OrderingSpec = {
    // SQLite keeps prices as exact text: sort them by value, not as strings.
    fields: { id: 'id', name: 'name', price: dialect === 'sqlite' ? sql`cast(price as real)` : 'price', created_at: 'created_at' },
    default: ['id'],
    tieBreaker: 'id',
  };

  async function existing(request: FastifyRequest): Promise<Product> {
    const id = parseObjectId((request.params as { id?: string }).id);
    const row = id === null ? undefined : await db.selectFrom('product').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw errors.notFound();
    return toProduct(row);
  }

  registerView(app, {
    url: '/api/admin/products/',
    name: 'Product List',
    access,
    async get(request) {
      const terms = searchTerms(request);
      let query = db.selectFrom('product').select(COLUMNS);
      if (terms.length > 0) query = query.where((eb) => searchCondition(eb, dialect, ['name', 'description'], terms));
      const page = await pageOfQuery(request, query, productOrdering, toProduct);
      return { status: 200, data: page };
    },
    async post(request, view) {
      const fields = validateData(productFields, await view.data(), { partial: false });
      const values = { name: fields.name!, description: fields.description ?? '', price: fields.price! };
      const product = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('product')
          .values({ ...values, created_at: nowTimestamp() })
          .returning(COLUMNS)
          .executeTakeFirstOrThrow();
        await auditRequestWrite(trx, request, 'product_created', { type: 'product', id: row.id, repr: row.name }, values);
        return toProduct(row);
      });
      return { status: 201, data: product };
    },
    actions: async () => productActionFields,
  });

  async function update(request: FastifyRequest, view: ViewRequest, partial: boolean): Promise<ApiResponse> {
    const current = await existing(request);
    const fields = validateData(productFields, await view.data(), { partial });
    const changes: Record<string, [string, string]> = {};
    for (const name of EDITABLE) {
      const value = fields[name];
      if (value !== undefined && value !== current[name]) changes[name] = [current[name], value];
    }
    if (Object.keys(changes).length === 0) return { status: 200, data: current };
    const set = Object.fromEntries(Object.entries(changes).map(([name, [, value]]) => [name, value]));
    const product = await db.transaction().execute(async (trx) => {
      const row = await trx.updateTable('product').set(set).where('id', '=', current.id).returning(COLUMNS).executeTakeFirstOrThrow();
      await auditRequestWrite(trx, request, 'product_updated', { type: 'product', id: row.id, repr: row.name }, changes);
      return toProduct(row);
    });
    return { status: 200, data: product };
  }

  registerView(app, {
    url: '/api/admin/products/:id/',
    name: 'Product Instance',
    access,
    async get(request) {
      return { status: 200, data: await existing(request) };
    },
    put: (request, view) => update(request, view, false),
    patch: (request, view) => update(request, view, true),
    async delete(request) {
      const current = await existing(request);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('product').where('id', '=', current.id).execute();
        await auditRequestWrite(trx, request, 'product_deleted', { type: 'product', id: current.id, repr: current.name });
      });
      return { status: 204 };
    },
    async actions(request) {
      const id = parseObjectId((request.params as { id?: string }).id);
      const found = id !== null && (await db.selectFrom('product').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
      return found ? productActionFields : null;
    },
  });
}
