// `tessera flushexpiredtokens`: SimpleJWT's command of that name, from cron. Expired refresh
// tokens can never be used again, so their outstanding and blacklist rows only take room.
import { flushExpiredTokens } from '../auth/jwt/blacklist.js';
import type { CommandContext } from './commands.js';

export async function flushExpiredTokensCommand(ctx: CommandContext): Promise<void> {
  const deleted = await flushExpiredTokens(ctx.db.kysely);
  ctx.out.write(`Deleted ${deleted} expired refresh token${deleted === 1 ? '' : 's'}\n`);
}
