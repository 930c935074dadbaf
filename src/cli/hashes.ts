// `tessera hashes upgrade`: wraps every imported password hash in today's hasher without
// waiting for its user to log in (Django's "password upgrading without requiring a login",
// src/auth/passwords.ts has the format). The users keep their passwords; each wrapped hash is
// re-hashed to the plain current format at its user's next login. It can run while the
// server serves: a row is changed only if its hash is still the one that was read.
import type { Command } from 'commander';
import { hashFormat, needsRehash, wrapHash } from '../auth/passwords.js';
import type { CommandContext } from './commands.js';

const PAGE = 500;

export interface UpgradeCounts {
  /** Hashes wrapped, by their format. */
  readonly wrapped: Map<string, number>;
  /** Hashes that cannot be wrapped (bcrypt, argon2 with other parameters), by format: re-hashed at the next login. */
  readonly left: Map<string, number>;
}

function add(counts: Map<string, number>, format: string): void {
  counts.set(format, (counts.get(format) ?? 0) + 1);
}

function listed(counts: Map<string, number>): string {
  return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([format, count]) => `${format}: ${count}`).join(', ');
}

export async function upgradeHashesCommand(ctx: CommandContext): Promise<UpgradeCounts> {
  const db = ctx.db.kysely;
  const counts: UpgradeCounts = { wrapped: new Map(), left: new Map() };
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('auth_user').select(['id', 'password'])
      .where('id', '>', after).orderBy('id').limit(PAGE).execute();
    // Hashed side by side (at most HASH_CONCURRENCY at once), written one by one.
    await Promise.all(rows.map(async (row) => {
      const format = hashFormat(row.password);
      if (format === '' || !needsRehash(row.password) || format.startsWith('argon2_wrapped$')) return;
      const wrapped = await wrapHash(row.password);
      if (wrapped === null) {
        add(counts.left, format);
        return;
      }
      const result = await db.updateTable('auth_user').set({ password: wrapped })
        .where('id', '=', row.id).where('password', '=', row.password).executeTakeFirst();
      if (result.numUpdatedRows > 0n) add(counts.wrapped, format);
    }));
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  const total = [...counts.wrapped.values()].reduce((sum, count) => sum + count, 0);
  ctx.out.write(total === 0
    ? 'No password hashes to upgrade.\n'
    : `Wrapped ${total} password hash${total === 1 ? '' : 'es'} in argon2id (${listed(counts.wrapped)}).\n`);
  if (counts.left.size > 0) {
    ctx.out.write(`Left as they are, re-hashed at each user's next login: ${listed(counts.left)}.\n`);
  }
  return counts;
}

/** `tessera hashes …`, on the program's own database context (program.ts's withContext). */
export function registerHashCommands(program: Command, withContext: (run: (ctx: CommandContext) => Promise<unknown>) => Promise<void>): void {
  program
    .command('hashes')
    .description("users' password hashes")
    .command('upgrade')
    .description("wrap imported hashes (pbkdf2, scrypt) in argon2id now, without waiting for each user's login")
    .action(() => withContext(upgradeHashesCommand));
}
