// A project built on Tessera: what it adds to Tessera's own API. `npm start`, `tessera`
// and tests all take the same Project, so a project's resources and tables are served,
// migrated and checked exactly as Tessera's own are.
import type { Migration } from 'kysely';
import type { Router } from './generics/routers.js';

export interface Project {
  /** Its routers (generics/routers.ts), served beside Tessera's products. */
  readonly routers?: readonly Router[];
  /**
   * Its migrations, frozen files named `<app>_0001_<verb_noun>` (Kysely's Migrator runs
   * them with Tessera's, in name order, so Tessera's tables exist first).
   */
  readonly migrations?: Readonly<Record<string, Migration>>;
}
