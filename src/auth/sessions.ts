// Ending every way a user is signed in, in one place: the account token (DRF's), each
// device's token (per-device mode) and each refresh token (JWT_AUTH=true). Access tokens
// cannot be recalled: they end within JWT_ACCESS_LIFETIME, and sooner for a deactivated
// user (every request checks is_active).
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { deleteUserDeviceTokens } from './device-tokens.js';
import { blacklistUserTokens } from './jwt/blacklist.js';
import { revokeToken } from './token-store.js';

export interface RevokedCredentials {
  readonly accountToken: boolean;
  readonly deviceTokens: number;
  readonly refreshTokens: number;
}

export function revokedAnything(revoked: RevokedCredentials): boolean {
  return revoked.accountToken || revoked.deviceTokens > 0 || revoked.refreshTokens > 0;
}

export async function revokeAllCredentials(db: Kysely<Database>, userId: number): Promise<RevokedCredentials> {
  return {
    accountToken: await revokeToken(db, userId),
    deviceTokens: await deleteUserDeviceTokens(db, userId),
    refreshTokens: await blacklistUserTokens(db, userId),
  };
}
