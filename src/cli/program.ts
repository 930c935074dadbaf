// The `tessera` command line: parses argv and runs one command from commands.ts against the database that
// DATABASE_URL (or .env) names, migrating it first so a fresh clone needs no extra step.
// runCli() is also a project's `manage` (its migrations run with Tessera's).
import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { createTokenSealer } from '../auth/tokens.js';
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { openDatabase, type Db } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import {
  changePasswordCommand,
  CommandError,
  createSuperuserCommand,
  createTokenCommand,
  listTokensCommand,
  makeMigrationsCommand,
  migrateCommand,
  pruneAuditLogCommand,
  revokeTokenCommand,
  setUserCommand,
  type CommandContext,
  type Prompter,
} from './commands.js';
import { importDjangoCommand } from './import-django.js';
import { registerHashCommands } from './hashes.js';
import type { Project } from '../project.js';
import { flushExpiredTokensCommand } from './jwt.js';

/** Reads typed characters without echoing them (a password prompt on a terminal). */
function readHidden(): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(answer);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new CommandError('Operation cancelled.'));
          return;
        }
        answer = char === '\u007f' || char === '\b' ? answer.slice(0, -1) : answer + char;
      }
    };
    function finish(): void {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    }
    stdin.on('data', onData);
  });
}

/** Questions on the terminal (hidden answers are not echoed), or lines from piped input. */
function terminalPrompter(): Prompter {
  if (process.stdin.isTTY) {
    return {
      async ask(question, options = {}) {
        process.stdout.write(question);
        if (options.hidden) return readHidden();
        const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
        try {
          return await new Promise<string>((resolve, reject) => {
            rl.once('line', resolve);
            rl.once('close', () => reject(new CommandError('Operation cancelled.')));
          });
        } finally {
          rl.close();
        }
      },
    };
  }
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : lines.push(line)));
  rl.on('close', () => {
    ended = true;
    while (waiting.length > 0) waiting.shift()!(null);
  });
  return {
    async ask(question) {
      process.stdout.write(question);
      const line = lines.length > 0 ? lines.shift()! : ended ? null : await new Promise<string | null>((resolve) => waiting.push(resolve));
      if (line === null) throw new CommandError('No input (stdin closed); use --no-input with environment variables for scripts.');
      return line;
    },
  };
}

/** Runs the `tessera` command line (argv as process.argv) for a project; exits the process when done. */
export async function runCli(argv: readonly string[], project: Project = {}): Promise<never> {
  async function withContext(run: (ctx: CommandContext) => Promise<unknown>, options: { migrate: boolean } = { migrate: true }): Promise<void> {
    loadDotEnv();
    const config = loadConfig();
    const db: Db = openDatabase(config.database);
    try {
      if (options.migrate) {
        const applied = await migrateToLatest(db.kysely, project.migrations);
        if (applied.length > 0) process.stderr.write(`Applied migrations: ${applied.join(', ')}\n`);
      }
      await run({
        db,
        sealer: createTokenSealer(config.secretKey),
        out: process.stdout,
        err: process.stderr,
        prompter: terminalPrompter(),
        env: process.env,
        project,
      });
    } finally {
      await db.close();
    }
  }

  const program = new Command()
    .name('tessera')
    .description("Tessera's management commands (Django's manage.py)")
    .showHelpAfterError()
    .exitOverride();

  program.command('migrate').description('apply database migrations').action(() => withContext(migrateCommand, { migrate: false }));

  program
    .command('createsuperuser')
    .description('create a staff superuser (interactive, or --no-input with DJANGO_SUPERUSER_* variables)')
    .option('--username <username>', 'the username')
    .option('--email <email>', 'the email address')
    .option('--no-input', 'ask nothing; take DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL from the environment')
    .action((options: { username?: string; email?: string; input: boolean }) =>
      withContext((ctx) => createSuperuserCommand(ctx, { noInput: !options.input, username: options.username, email: options.email })));

  program
    .command('changepassword')
    .argument('<username>')
    .description("change a user's password")
    .action((username: string) => withContext((ctx) => changePasswordCommand(ctx, username)));

  const user = program.command('user').description('manage users from scripts');
  user
    .command('set')
    .argument('<username>')
    .requiredOption('--password <password>', 'the new password')
    .option('--inactive', 'make the user inactive', false)
    .option('--staff', 'make the user staff', false)
    .description('create or update a user: sets the password, active unless --inactive, staff only with --staff; keeps the token')
    .action((username: string, options: { password: string; inactive: boolean; staff: boolean }) =>
      withContext((ctx) => setUserCommand(ctx, username, options)));

  const token = program.command('token').description("manage users' API tokens");
  token
    .command('create')
    .argument('<username>')
    .option('-r, --reset', 'replace an existing token with a new key', false)
    .description("print the user's token key, creating it if needed (DRF's drf_create_token)")
    .action((username: string, options: { reset: boolean }) => withContext((ctx) => createTokenCommand(ctx, username, options)));
  token
    .command('revoke')
    .argument('<username>')
    .description("delete the user's token (the key stops working at once)")
    .action((username: string) => withContext((ctx) => revokeTokenCommand(ctx, username)));
  token.command('list').description('list tokens: user, key prefix, created').action(() => withContext(listTokensCommand));

  program
    .command('flushexpiredtokens')
    .description("delete expired JWT refresh tokens from the blacklist's tables (SimpleJWT's command; run it from cron)")
    .action(() => withContext(flushExpiredTokensCommand));

  program
    .command('import-django')
    .argument('<source>', "the Django database: a SQLite file, or postgres://… (?schema=name)")
    .option('--product-table <table>', 'the products table (default: the one *_product table with name, description, price, created_at)')
    .option('--dry-run', 'check and count everything, write nothing', false)
    .description("copy a Django + DRF database's users, tokens and products into this empty database; every client keeps its token")
    .action((source: string, options: { productTable?: string; dryRun: boolean }) => withContext((ctx) => importDjangoCommand(ctx, source, options)));

  registerHashCommands(program, withContext);

  const audit = program.command('audit').description('the audit log');
  audit
    .command('prune')
    .requiredOption('--older-than <age>', 'delete entries older than this: 365d, 12h, 3600 (seconds)')
    .description('delete old audit log entries (a retention policy; run it from cron)')
    .action((options: { olderThan: string }) => withContext((ctx) => pruneAuditLogCommand(ctx, options.olderThan)));

  program
    .command('makemigrations')
    .option('--dir <folder>', 'where the migration files live', 'src/migrations')
    .option('--name <app>', "the files' prefix (<app>_0002_...); default: the last word of the nearest package.json's name")
    .description("write one new migration for what the project's resources add to the schema its migrations make (needs no database)")
    .action((options: { dir: string; name?: string }) =>
      makeMigrationsCommand({ out: process.stdout, project }, { dir: options.dir, ...(options.name === undefined ? {} : { name: options.name }) }));

  try {
    await program.parseAsync([...argv]);
    process.exit(0);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode);
    } else if (error instanceof CommandError) {
      process.stderr.write(`CommandError: ${error.message}\n`);
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    process.exit(1);
  }
}
