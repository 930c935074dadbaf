// /api/products/: DRF's ModelViewSet on a DefaultRouter (list, create, retrieve, update,
// partial_update, destroy). A missing object is 404 before the body is looked at, as
// get_object() runs first in DRF.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessPolicy } from '../auth/plugin.js';
import { errors } from '../errors.js';
import { registerView, type ApiResponse, type ViewRequest } from '../http/view.js';
import { parseObjectId } from '../http/params.js';
import { mapMaybePromise } from '../maybe-promise.js';
import { validateData } from '../serializers/fields.js';
import type { ProductRepository } from './repository.js';
import { productActionFields, productFields } from './schemas.js';

export interface ProductRoutesOptions {
  readonly products: ProductRepository;
  readonly access: AccessPolicy;
}

function objectId(request: FastifyRequest): number {
  const id = parseObjectId((request.params as { id?: string }).id);
  if (id === null) throw errors.notFound();
  return id;
}

export async function productRoutes(app: FastifyInstance, options: ProductRoutesOptions): Promise<void> {
  const { products, access } = options;

  registerView(app, {
    url: '/api/products/',
    name: 'Product List',
    access,
    // Reads answer synchronously on SQLite (see maybe-promise.ts).
    get: () => mapMaybePromise(products.list(), (list): ApiResponse => ({ status: 200, data: list })),
    async post(_request, view) {
      const fields = validateData(productFields, await view.data(), { partial: false });
      const product = await products.create({
        name: fields.name!,
        description: fields.description ?? '',
        price: fields.price!,
      });
      return { status: 201, data: product };
    },
    actions: async () => productActionFields,
  });

  async function existing(request: FastifyRequest): Promise<number> {
    const id = objectId(request);
    if ((await products.get(id)) === null) throw errors.notFound();
    return id;
  }

  async function update(request: FastifyRequest, view: ViewRequest, partial: boolean): Promise<ApiResponse> {
    const id = await existing(request);
    const fields = validateData(productFields, await view.data(), { partial });
    const product = await products.update(id, fields);
    if (product === null) throw errors.notFound();
    return { status: 200, data: product };
  }

  registerView(app, {
    url: '/api/products/:id/',
    name: 'Product Instance',
    access,
    get(request) {
      return mapMaybePromise(products.get(objectId(request)), (product): ApiResponse => {
        if (product === null) throw errors.notFound();
        return { status: 200, data: product };
      });
    },
    put: (request, view) => update(request, view, false),
    patch: (request, view) => update(request, view, true),
    async delete(request) {
      if (!(await products.remove(objectId(request)))) throw errors.notFound();
      return { status: 204 };
    },
    // DRF offers PUT's fields only when the object exists (determine_actions calls get_object).
    async actions(request) {
      const id = parseObjectId((request.params as { id?: string }).id);
      return id !== null && (await products.get(id)) !== null ? productActionFields : null;
    },
  });
}
