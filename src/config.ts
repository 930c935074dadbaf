// Environment -> a typed, validated Config. Fails fast with a message that names the bad
// variable, so a typo in production never turns into a silently different server.
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
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
  return {
    database,
    host: (env.HOST ?? '').trim() || '127.0.0.1',
    port: parseInteger('PORT', env.PORT, 8000, 0, 65535),
    allowedHosts,
    corsAllowedOrigins: parseOrigins(env.CORS_ALLOWED_ORIGINS),
    secretKey: resolveSecretKey(env.SECRET_KEY, dataDir, options),
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
  };
}
