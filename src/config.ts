// Environment -> a typed, validated Config. Fails fast with a message that names the bad
// variable, so a typo in production never turns into a silently different server.
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export type DatabaseConfig =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly schema?: string };

export interface Config {
  readonly database: DatabaseConfig;
  readonly host: string;
  readonly port: number;
  /** Lower-cased host names; '*' allows any (Django's ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
  readonly corsAllowedOrigins: readonly string[];
  readonly secretKey: string;
  readonly logLevel: LogLevel;
  /** Failed logins allowed per username and per client address in one throttle window. */
  readonly loginFailuresAllowed: number;
  readonly loginThrottleWindowSeconds: number;
  /** Optional Redis for throttle counters shared by several Tessera processes. */
  readonly redisUrl: string | null;
  /** Where the built web client lives; null disables serving it. */
  readonly webRoot: string | null;
  /** Largest request body accepted, in bytes (413 above it). */
  readonly bodyLimit: number;
  /** Trust X-Forwarded-For from a proxy in front (Fastify's trustProxy). */
  readonly trustProxy: boolean;
  /**
   * 'single': DRF's one token per user, the same key on every login. 'per-device': every
   * login makes its own token (one per device), which expires and is revoked alone.
   */
  readonly tokenMode: TokenMode;
  /** Lifetime of a per-device token in seconds; null: they never expire. */
  readonly tokenTtlSeconds: number | null;
  /** Serve the OpenAPI document and Swagger UI at /api/docs/. */
  readonly apiDocs: boolean;
  /** SimpleJWT beside Token (JWT_AUTH=true); null: off, and a Bearer header stays anonymous. */
  readonly jwt: JwtSettings | null;
  /** Server processes on one port (WORKERS; `auto`: one per core). */
  readonly workers: number;
  /** Prometheus metrics on their own port (METRICS_PORT); null: off. */
  readonly metrics: { readonly host: string; readonly port: number } | null;
  /** djoser's accounts at /auth/ (accounts/routes.ts). */
  readonly accounts: AccountsConfig;
  /** Connections and requests: timeouts (ms) and pipelining (docs/deployment.md, "Limits"). */
  readonly limits: ServerLimits;
  /** How long the database may take (ms): a connection or SQLite's write lock, and a statement. */
  readonly databaseTimeouts: DatabaseTimeouts;
  /** SQLite: how much of the database file the server reads through a memory map (bytes; 0: none). */
  readonly sqliteMmapBytes: number;
}

export interface ServerLimits {
  /** A request's headers must arrive within this (408 after). */
  readonly headersTimeoutMs: number;
  /** A whole request, headers and body, must arrive within this (408 after). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A connection on which nothing is read or written for this long is closed (a client that stops reading). */
  readonly socketTimeoutMs: number;
  /** Pipelined requests of one connection handled at once; the connection is not read while this many wait. */
  readonly pipelineDepth: number;
}

export interface DatabaseTimeouts {
  /** A PostgreSQL connection (new, or from the pool), or SQLite's lock (busy_timeout). */
  readonly connectMs: number;
  /** PostgreSQL's statement_timeout. */
  readonly statementMs: number;
}

/** SimpleJWT's settings that Tessera honours, with SimpleJWT's defaults. */
export interface JwtSettings {
  /** HS256 key (SimpleJWT's SIGNING_KEY, default SECRET_KEY). */
  readonly signingKey: string;
  readonly accessLifetimeSeconds: number;
  readonly refreshLifetimeSeconds: number;
  readonly rotateRefreshTokens: boolean;
  readonly blacklistAfterRotation: boolean;
}

export interface AccountsConfig {
  /** POST /auth/users/ signs people up (REGISTRATION); false: 404, only an admin makes accounts. */
  readonly registration: boolean;
  /** smtp:// or smtps:// (EMAIL_URL); null: every message is an .eml file in `outbox`. */
  readonly emailUrl: string | null;
  /** The folder of .eml files when there is no EMAIL_URL (EMAIL_OUTBOX). */
  readonly outbox: string;
  /** Django's DEFAULT_FROM_EMAIL (EMAIL_FROM). */
  readonly from: string;
  /** djoser's SITE_NAME, in subjects and texts. */
  readonly siteName: string;
  /** The client's host[:port] for links (djoser's DOMAIN); null: the request's own host. */
  readonly domain: string | null;
  /** Django's PASSWORD_RESET_TIMEOUT, seconds. */
  readonly passwordResetTimeoutSeconds: number;
  /** Sign-ups, resends and reset requests per e-mail address per window (×10 per client address). */
  readonly requestsAllowed: number;
  readonly throttleWindowSeconds: number;
}

function parseEmailUrl(raw: string | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('EMAIL_URL', `must be smtp://user:pass@host:port or smtps://…, got "${raw}"`);
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ConfigError('EMAIL_URL', `must be smtp://user:pass@host:port or smtps://…, got "${url.protocol}//${url.host}"`);
  }
  return value;
}

function parseAccounts(env: Env, cwd: string): AccountsConfig {
  const domain = env.SITE_DOMAIN?.trim() || null;
  if (domain !== null && !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(domain)) {
    throw new ConfigError('SITE_DOMAIN', `must be a host[:port] such as example.com or localhost:5173, got "${domain}"`);
  }
  return {
    registration: parseBoolean('REGISTRATION', env.REGISTRATION, true),
    emailUrl: parseEmailUrl(env.EMAIL_URL),
    outbox: resolve(cwd, env.EMAIL_OUTBOX?.trim() || 'data/outbox'),
    from: env.EMAIL_FROM?.trim() || 'webmaster@localhost',
    siteName: env.SITE_NAME?.trim() || 'Tessera',
    domain,
    passwordResetTimeoutSeconds: parseInteger('PASSWORD_RESET_TIMEOUT', env.PASSWORD_RESET_TIMEOUT, 259_200, 1, 315_360_000),
    requestsAllowed: parseInteger('ACCOUNT_REQUESTS_ALLOWED', env.ACCOUNT_REQUESTS_ALLOWED, 5, 0, 1_000_000),
    throttleWindowSeconds: parseInteger('ACCOUNT_THROTTLE_WINDOW', env.ACCOUNT_THROTTLE_WINDOW, 3600, 1, 86_400),
  };
}

export const TOKEN_MODES = ['single', 'per-device'] as const;
export type TokenMode = (typeof TOKEN_MODES)[number];

export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 86_400;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "3600", "90m", "12h", "30d"; 0 means never. */
export function parseDuration(variable: string, raw: string | undefined, fallback: number | null): number | null {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return fallback;
  const match = /^(\d{1,9})([smhd]?)$/.exec(value);
  if (match === null) throw new ConfigError(variable, `must be a duration such as 3600, 90m, 12h or 30d (0: never), got "${raw}"`);
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || 's']!;
  return seconds === 0 ? null : seconds;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * A data file or folder that cannot be written, said in one sentence with its path and
 * why. Printed as a ConfigError is (no stack), since the fix is the same: the setting or
 * the folder's permissions.
 */
export class DataFolderError extends ConfigError {
  constructor(message: string) {
    super('', '');
    this.message = message;
    this.name = 'DataFolderError';
  }
}

export const DEFAULT_SQLITE_PATH = 'data/tessera.sqlite3';
/** SQLITE_MMAP_SIZE's default, MiB (docs/deployment.md, "Memory"). */
export const DEFAULT_SQLITE_MMAP_MIB = 1024;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The folder that relative paths (the default data/ folder, a relative DATABASE_URL,
 * `.env`) are read from: the nearest folder at or above `cwd` holding a package.json, the
 * one npm runs a project's scripts in; else `cwd` itself. The server and the CLI both
 * resolve it so, so `tessera` run from a subfolder uses the server's database.
 */
export function projectRoot(cwd: string = process.cwd()): string {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return resolve(cwd);
  }
}

/** Reads the project's `.env` (when present) into process.env without overriding what is already set. */
export function loadDotEnv(path = join(projectRoot(), '.env')): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Why a failed access(), read or mkdir() of `path` cannot go on, in words. */
function accessReason(error: unknown, path: string, action: 'write in' | 'write' | 'read'): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied: user ${currentUser()} may not ${action} ${path}`;
  if (code === 'EROFS') return `${path} is on a read-only file system`;
  if (code === 'ENOTDIR') return `${path} is a file, not a folder`;
  return `${path}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Why Tessera could not write `file` (a SQLite database, the secret_key) or create it,
 * with its missing folders; null when it can. SQLite writes a journal beside the file, so
 * its folder must be writable too. Checked with access(2), which a root process passes
 * except on a read-only file system.
 */
export function writeProblem(file: string): string | null {
  let folder = dirname(file);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) return `${file} is a folder, not a file`;
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      return accessReason(error, file, 'write');
    }
  }
  let missing: string | null = null;
  while (!existsSync(folder)) {
    missing = folder;
    if (dirname(folder) === folder) break;
    folder = dirname(folder);
  }
  if (!statSync(folder).isDirectory()) return `${folder} is a file, not a folder`;
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = accessReason(error, folder, 'write in');
    return missing === null ? reason : `its folder ${missing} does not exist and cannot be made: ${reason}`;
  }
  return null;
}

function assertWritable(file: string, what: string, remedy: string): void {
  const problem = writeProblem(file);
  if (problem !== null) throw new DataFolderError(`Tessera cannot write ${what} ${file}: ${problem}. ${remedy}`);
}

export function parseDatabaseUrl(raw: string | undefined, cwd: string): DatabaseConfig {
  const value = (raw ?? '').trim() || DEFAULT_SQLITE_PATH;
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', `is not a valid postgres:// URL: ${value}`);
    }
    // ?schema=name: the tables live in that schema (first on the search path).
    const schema = url.searchParams.get('schema');
    if (schema === null) return { dialect: 'postgres', url: value };
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new ConfigError('DATABASE_URL', `has an invalid schema name "${schema}" (letters, digits and _ only)`);
    }
    url.searchParams.delete('schema');
    return { dialect: 'postgres', url: url.toString(), schema };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^sqlite:\/\//i.test(value)) {
    throw new ConfigError('DATABASE_URL', `must be a SQLite file path, sqlite:///path or postgres://…, got ${value}`);
  }
  const path = value.replace(/^sqlite:\/\//i, '');
  if (path === ':memory:') return { dialect: 'sqlite', path };
  return { dialect: 'sqlite', path: resolve(cwd, path) };
}

function parseList(raw: string | undefined, fallback: readonly string[]): string[] {
  if (raw === undefined) return [...fallback];
  return raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function parseInteger(variable: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(variable, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(variable, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parseBoolean(variable: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(variable, `must be true or false, got "${raw}"`);
}

function parseOrigins(raw: string | undefined): string[] {
  const origins = parseList(raw, ['http://localhost:5173', 'http://127.0.0.1:5173']);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('CORS_ALLOWED_ORIGINS', `has "${origin}", which is not an origin like http://localhost:5173`);
    }
    if (url.origin !== origin.replace(/\/$/, '') || url.origin === 'null') {
      throw new ConfigError('CORS_ALLOWED_ORIGINS', `has "${origin}"; give scheme://host[:port] with no path`);
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

/**
 * SECRET_KEY from the environment, or one generated once into the data folder (mode 0600)
 * so that tokens sealed with it survive restarts without any set-up.
 */
export function resolveSecretKey(raw: string | undefined, dataDir: string, options: SecretKeyOptions = {}): string {
  if (raw !== undefined && raw.trim() !== '') {
    if (raw.length < 32) throw new ConfigError('SECRET_KEY', 'must be at least 32 characters long');
    return raw;
  }
  const file = resolve(dataDir, 'secret_key');
  if (existsSync(file)) {
    let stored: string;
    try {
      stored = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new DataFolderError(`Tessera cannot read its secret key ${file}: ${accessReason(error, file, 'read')}. Make it readable by this user, or set SECRET_KEY.`);
    }
    if (stored.length >= 32) return stored;
    throw new ConfigError('SECRET_KEY', `is not set and ${file} holds no usable key; delete it or set SECRET_KEY`);
  }
  if (options.create === false) {
    throw new DataFolderError(`SECRET_KEY is not set and there is no ${file}, which the server writes on its first start. Run this where the server runs, set SECRET_KEY, or create both with \`tessera migrate\`.`);
  }
  assertWritable(file, 'its secret key', 'Make the folder writable by this user, or set SECRET_KEY.');
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return generated;
}

export interface SecretKeyOptions {
  /** false: refuse to generate the secret_key file when it is missing (the CLI outside `migrate`). */
  readonly create?: boolean;
}

function parseTokenMode(raw: string | undefined): TokenMode {
  const value = (raw ?? '').trim().toLowerCase() || 'single';
  if (!(TOKEN_MODES as readonly string[]).includes(value)) {
    throw new ConfigError('TOKEN_MODE', `must be one of ${TOKEN_MODES.join(', ')}, got "${raw}"`);
  }
  return value as TokenMode;
}

function parseLifetime(variable: string, raw: string | undefined, fallback: number): number {
  const seconds = parseDuration(variable, raw, fallback);
  if (seconds === null) throw new ConfigError(variable, 'must be a lifetime such as 300, 5m or 1d (a JWT cannot live forever)');
  return seconds;
}

function parseJwtSettings(env: Env, secretKey: string): JwtSettings | null {
  if (!parseBoolean('JWT_AUTH', env.JWT_AUTH, false)) return null;
  const signingKey = env.JWT_SIGNING_KEY?.trim() ? env.JWT_SIGNING_KEY : secretKey;
  if (signingKey.length < 32) throw new ConfigError('JWT_SIGNING_KEY', 'must be at least 32 characters long');
  return {
    signingKey,
    accessLifetimeSeconds: parseLifetime('JWT_ACCESS_LIFETIME', env.JWT_ACCESS_LIFETIME, 300),
    refreshLifetimeSeconds: parseLifetime('JWT_REFRESH_LIFETIME', env.JWT_REFRESH_LIFETIME, 86_400),
    rotateRefreshTokens: parseBoolean('JWT_ROTATE_REFRESH_TOKENS', env.JWT_ROTATE_REFRESH_TOKENS, false),
    blacklistAfterRotation: parseBoolean('JWT_BLACKLIST_AFTER_ROTATION', env.JWT_BLACKLIST_AFTER_ROTATION, false),
  };
}

function parseWorkers(raw: string | undefined): number {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === 'auto') return availableParallelism();
  return parseInteger('WORKERS', raw, 1, 1, 256);
}

function parseMetrics(env: Env, apiPort: number): { host: string; port: number } | null {
  if ((env.METRICS_PORT ?? '').trim() === '') return null;
  const port = parseInteger('METRICS_PORT', env.METRICS_PORT, 0, 1, 65535);
  if (port === apiPort) throw new ConfigError('METRICS_PORT', 'must differ from PORT: metrics are never served on the API port');
  return { host: (env.METRICS_HOST ?? '').trim() || '127.0.0.1', port };
}

/**
 * The Config from the environment. Relative paths are read from `root` (by default the
 * project's folder, see projectRoot()); a SQLite database that could not be written or
 * created is refused here, with its path and why.
 */
export function loadConfig(env: Env = process.env, root: string = projectRoot(), options: SecretKeyOptions = {}): Config {
  const database = parseDatabaseUrl(env.DATABASE_URL, root);
  const sqliteFile = database.dialect === 'sqlite' && database.path !== ':memory:' ? database.path : null;
  if (sqliteFile !== null) {
    assertWritable(sqliteFile, 'its database', 'Make the folder writable by this user, or set DATABASE_URL to another place.');
  }
  const dataDir = sqliteFile !== null ? dirname(sqliteFile) : resolve(root, 'data');
  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const allowedHosts = parseList(env.ALLOWED_HOSTS, ['127.0.0.1', 'localhost']).map((host) => host.toLowerCase());
  if (allowedHosts.length === 0) throw new ConfigError('ALLOWED_HOSTS', 'must name at least one host (or *)');
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', `must start with redis:// or rediss://, got "${redisUrl}"`);
  }
  const webRootRaw = env.WEB_ROOT;
  const secretKey = resolveSecretKey(env.SECRET_KEY, dataDir, options);
  const port = parseInteger('PORT', env.PORT, 8000, 0, 65535);
  return {
    database,
    host: (env.HOST ?? '').trim() || '127.0.0.1',
    port,
    allowedHosts,
    corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
    secretKey,
    logLevel: logLevel as LogLevel,
    loginFailuresAllowed: parseInteger('LOGIN_FAILURES_ALLOWED', env.LOGIN_FAILURES_ALLOWED, 20, 0, 1_000_000),
    loginThrottleWindowSeconds: parseInteger('LOGIN_THROTTLE_WINDOW', env.LOGIN_THROTTLE_WINDOW, 300, 1, 86_400),
    redisUrl,
    webRoot: webRootRaw === undefined ? resolve(root, 'dist/web') : webRootRaw.trim() === '' ? null : resolve(root, webRootRaw),
    bodyLimit: parseInteger('BODY_LIMIT', env.BODY_LIMIT, 2_621_440, 1024, 1_073_741_824),
    trustProxy: parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false),
    tokenMode: parseTokenMode(env.TOKEN_MODE),
    tokenTtlSeconds: parseDuration('TOKEN_TTL', env.TOKEN_TTL, DEFAULT_TOKEN_TTL_SECONDS),
    apiDocs: parseBoolean('API_DOCS', env.API_DOCS, true),
    jwt: parseJwtSettings(env, secretKey),
    workers: parseWorkers(env.WORKERS),
    metrics: parseMetrics(env, port),
    accounts: parseAccounts(env, root),
    limits: {
      headersTimeoutMs: parseInteger('HEADERS_TIMEOUT', env.HEADERS_TIMEOUT, 10, 1, 3600) * 1000,
      requestTimeoutMs: parseInteger('REQUEST_TIMEOUT', env.REQUEST_TIMEOUT, 30, 1, 3600) * 1000,
      keepAliveTimeoutMs: parseInteger('KEEP_ALIVE_TIMEOUT', env.KEEP_ALIVE_TIMEOUT, 72, 1, 3600) * 1000,
      socketTimeoutMs: parseInteger('SOCKET_TIMEOUT', env.SOCKET_TIMEOUT, 60, 1, 3600) * 1000,
      pipelineDepth: parseInteger('PIPELINE_DEPTH', env.PIPELINE_DEPTH, 8, 1, 1000),
    },
    databaseTimeouts: {
      connectMs: parseInteger('DATABASE_CONNECT_TIMEOUT', env.DATABASE_CONNECT_TIMEOUT, 5, 1, 3600) * 1000,
      statementMs: parseInteger('DATABASE_STATEMENT_TIMEOUT', env.DATABASE_STATEMENT_TIMEOUT, 10, 1, 86_400) * 1000,
    },
    // MiB; SQLite's own ceiling (SQLITE_MAX_MMAP_SIZE) is just under 2 GiB.
    sqliteMmapBytes: parseInteger('SQLITE_MMAP_SIZE', env.SQLITE_MMAP_SIZE, DEFAULT_SQLITE_MMAP_MIB, 0, 2047) * 1024 * 1024,
  };
}
