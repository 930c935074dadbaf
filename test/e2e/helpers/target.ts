import { startReference } from './reference.js';
import { startTessera } from './tessera.js';
import type { StartOptions, TestServer } from './tessera.js';

export type { TestServer, UserOptions } from './tessera.js';

/** Tessera (the default), or the DRF reference with E2E_TARGET=reference. */
export const TARGET = process.env.E2E_TARGET === 'reference' ? 'reference' : 'tessera';

export function startServer(options: StartOptions = {}): Promise<TestServer> {
  return TARGET === 'reference' ? startReference(options) : startTessera(options);
}
