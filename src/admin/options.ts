import type { AccessPolicy } from '../auth/plugin.js';
import type { Db } from '../db/connect.js';

/** What every admin resource's routes are registered with. */
export interface AdminResourceOptions {
  readonly db: Db;
  /** Staff only (routes.ts). */
  readonly access: AccessPolicy;
}
