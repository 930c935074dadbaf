/**
 * `/api/products/`: DRF's ModelViewSet on a DefaultRouter. Field names are the server's
 * own snake_case, so there is no mapping layer. `price` stays a string end to end: DRF's
 * DecimalField writes it with two places ("12.50"), and going through a JS number would
 * lose precision and the trailing zero.
 */
import type { ApiClient } from './client.ts';
import type { Product, ProductInput } from './types.ts';

export type { Product, ProductInput } from './types.ts';

/** The writable fields, in form order; used to place each server message beside its field. */
export const PRODUCT_FIELDS = ['name', 'description', 'price'] as const;

interface CallOptions {
  signal?: AbortSignal;
}

export function listProducts(api: ApiClient, options: CallOptions = {}): Promise<Product[]> {
  return api.request<Product[]>('GET', '/api/products/', options);
}

export function getProduct(api: ApiClient, id: number, options: CallOptions = {}): Promise<Product> {
  return api.request<Product>('GET', `/api/products/${id}/`, options);
}

export function createProduct(api: ApiClient, input: ProductInput): Promise<Product> {
  return api.request<Product>('POST', '/api/products/', { body: input });
}

/** PUT: the form always sends every writable field. */
export function updateProduct(api: ApiClient, id: number, input: ProductInput): Promise<Product> {
  return api.request<Product>('PUT', `/api/products/${id}/`, { body: input });
}

export async function deleteProduct(api: ApiClient, id: number): Promise<void> {
  await api.request<undefined>('DELETE', `/api/products/${id}/`);
}
