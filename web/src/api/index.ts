export { ApiError } from './errors.ts';
export type { FieldErrors } from './errors.ts';
export { createApiClient } from './client.ts';
export type { ApiClient, ApiClientOptions, HttpMethod, RequestOptions } from './client.ts';
export { createBrowserTokenStore, createMemoryTokenStore } from './token-store.ts';
export type { Session, TokenStore } from './token-store.ts';
export * from './products.ts';
export * from './auth.ts';
