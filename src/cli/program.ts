// The `tessera` command line: parses argv and runs one command from commands.ts against the database that
// DATABASE_URL (or the project's .env) names, found from the project folder as the server finds it, and
// migrated first. Only `migrate` creates a database; every command that writes names it on stderr.
// runCli() is also a project's `manage` (its migrations run with Tessera's).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { createTokenSealer } from '../auth/tokens.js';
import {
  ConfigError, DEFAULT_SQLITE_PATH, loadConfig, loadDotEnv, parseDatabaseUrl, projectRoot, type DatabaseConfig,
} from '../config.js';
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
      terminal: true,
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
    terminal: false,
    async ask(question) {
      process.stdout.write(question);
      const line = lines.length > 0 ? lines.shift()! : ended ? null : await new Promise<string | null>((resolve) => waiting.push(resolve));
      if (line === null) throw new CommandError('No input (stdin closed); use --no-input with environment variables for scripts.');
      return line;
    },
  };
}

/** Where a command's database is, for the line every writing command prints. */
function describeDatabase(database: DatabaseConfig): string {
  if (database.dialect === 'sqlite') return database.path;
  const url = new URL(database.url);
  if (url.password !== '') url.password = '***';
  return `${url.toString()}${database.schema === undefined ? '' : ` (schema ${database.schema})`}`;
}

/**
 * Refuses a SQLite file that does not exist: only `migrate` creates one, so a command run
 * from the wrong folder (or with another DATABASE_URL) cannot make an empty database the
 * server never sees.
 */
function assertDatabaseExists(database: DatabaseConfig, root: string, env: NodeJS.ProcessEnv): void {
  if (database.dialect !== 'sqlite' || database.path === ':memory:' || existsSync(database.path)) return;
  const how = (env.DATABASE_URL ?? '').trim() === ''
    ? `DATABASE_URL is not set, so it is ${DEFAULT_SQLITE_PATH} in ${root}`
    : `DATABASE_URL is ${env.DATABASE_URL}, read from ${root}`;
  throw new CommandError(
    `There is no database at ${database.path} (${how}). `
    + "Run this in the server's project folder, set DATABASE_URL to the server's database, or create a new one with `tessera migrate`.",
  );
}

interface ContextOptions {
  /** Only `migrate` may create the database (and the secret_key). */
  readonly creates?: boolean;
  /** Commands that change the database say which one, first. */
  readonly writes?: boolean;
}

/** Runs the `tessera` command line (argv as process.argv) for a project; exits the process when done. */
export async function runCli(argv: readonly string[], project: Project = {}): Promise<never> {
  async function withContext(run: (ctx: CommandContext) => Promise<unknown>, options: ContextOptions = { writes: true }): Promise<void> {
    const root = projectRoot();
    loadDotEnv(join(root, '.env'));
    if (options.creates !== true) assertDatabaseExists(parseDatabaseUrl(process.env.DATABASE_URL, root), root, process.env);
    const config = loadConfig(process.env, root, { create: options.creates === true });
    if (options.writes === true) process.stderr.write(`Database: ${describeDatabase(config.database)}\n`);
    const db: Db = openDatabase(config.database);
    try {
      if (options.creates !== true) {
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

  program.command('migrate').description('apply database migrations; the only command that creates a new database')
    .action(() => withContext(migrateCommand, { creates: true, writes: true }));

  program
    .command('createsuperuser')
    .description('create a staff superuser, as Django asks (or --noinput with DJANGO_SUPERUSER_* variables)')
    .option('--username <username>', 'Specifies the login for the superuser.')
    .option('--email <email>', 'Specifies the email for the superuser.')
    .option('--noinput, --no-input', 'ask nothing: take DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD from the environment (without a password the user cannot log in)')
    .action((options: { username?: string; email?: string; noinput?: boolean; input?: boolean }) =>
      withContext((ctx) => createSuperuserCommand(ctx, {
        noInput: options.noinput === true || options.input === false,
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.email === undefined ? {} : { email: options.email }),
      })));

  program
    .command('changepassword')
    .argument('[username]', 'the user; by default, the OS user running the command')
    .description("change a user's password (asks twice, hidden; Django's password checks)")
    .action((username: string | undefined) => withContext((ctx) => changePasswordCommand(ctx, username)));

  const user = program.command('user').description('manage users from scripts');
  user
    .command('set')
    .argument('<username>')
    .option('--password <password>', 'the new password (required to create the user)')
    .option('--staff', 'make the user staff')
    .option('--no-staff', 'make the user non-staff')
    .option('--active', 'make the user active')
    .option('--inactive', 'make the user inactive')
    .option('--reset-flags', "flags not given take a new user's values (active, not staff) instead of staying: the conformance suite's ADDUSER_CMD")
    .description('create or update a user, changing only what the options say (a new user is active and not staff); keeps the token')
    .action((username: string, options: { password?: string; staff?: boolean; active?: boolean; inactive?: boolean; resetFlags?: boolean }) => {
      if (options.active === true && options.inactive === true) throw new CommandError('--active and --inactive cannot be given together');
      const active = options.inactive === true ? false : options.active;
      return withContext((ctx) => setUserCommand(ctx, username, {
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(active === undefined ? {} : { active }),
        ...(options.staff === undefined ? {} : { staff: options.staff }),
        resetFlags: options.resetFlags === true,
      }));
    });

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
  token.command('list').description('list tokens: user, key prefix, created').action(() => withContext(listTokensCommand, { writes: false }));

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
