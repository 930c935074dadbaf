// An app on a fresh database for one test, with helpers to make users, give them a token
// and log in. Users get TEST_PASSWORD's hash made once, ahead of time: argon2 at full cost
// (~0.2 s, more on a busy machine) for every user of every test would dominate the suite,
// and hashing has tests of its own. For the same reason a test whose subject is not the
// login takes its key from the token store (token()), as a login makes it, without the
// HTTP round trip and its full-cost password check.
import type { FastifyBaseLogger, FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createDeviceToken } from '../../src/auth/device-tokens.js';
import type { LoginThrottle } from '../../src/auth/throttle.js';
import type { AuthEvents } from '../../src/auth/events.js';
import { hashPassword, needsRehash } from '../../src/auth/passwords.js';
import { getOrCreateKey } from '../../src/auth/token-store.js';
import { createTokenSealer } from '../../src/auth/tokens.js';
import { insertUser, type User } from '../../src/auth/users.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Project } from '../../src/project.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.js';

export const TEST_PASSWORD = 'test-password-123';
// hashPassword(TEST_PASSWORD), made once with Tessera's argon2 parameters. Should they
// change, the hash is made again (once per test file), so a login never re-hashes it.
const TEST_PASSWORD_HASH = 'argon2$argon2id$v=19$m=102400,t=2,p=8$iNK823o9Dy4aOJyKVlqRNA$ci9+SVDahZA7v5hZbe2ryrL0lXAEaans9ZOdqHEOACs';
let testPasswordHash: Promise<string> | undefined;

function currentTestPasswordHash(): Promise<string> {
  testPasswordHash ??= needsRehash(TEST_PASSWORD_HASH) ? hashPassword(TEST_PASSWORD) : Promise.resolve(TEST_PASSWORD_HASH);
  return testPasswordHash;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    LOG_LEVEL: 'silent',
    WEB_ROOT: '',
  });
  return { ...base, ...overrides };
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  readonly config: Config;
  createUser(username: string, options?: { isActive?: boolean; isStaff?: boolean; isSuperuser?: boolean; passwordHash?: string }): Promise<User>;
  /** Logs in through the API and returns the key (for tests of the login; else token()). */
  login(username: string, password?: string): Promise<string>;
  /** The user's key from the token store, as a login would give it (a device token in per-device mode); no audit entry. */
  token(user: User): Promise<string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly config?: Partial<Config>;
  /** A project's routers and migrations (generics tests). */
  readonly project?: Project;
  readonly trace?: (sql: string) => void;
  readonly throttle?: LoginThrottle;
  readonly authEvents?: AuthEvents;
  /** The operator's log (default: none). */
  readonly logger?: FastifyBaseLogger;
}

export async function createTestApp(dialect: TestDialect, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect, { migrations: options.project?.migrations, trace: options.trace });
  const config = testConfig({ ...options.config, database: database.config });
  const app = await buildApp({
    config, db: database.db, throttle: options.throttle, authEvents: options.authEvents, routers: options.project?.routers, logger: options.logger,
  });
  const sealer = createTokenSealer(config.secretKey);
  await app.ready();
  return {
    app,
    database,
    config,
    async createUser(username, userOptions = {}) {
      return insertUser(database.db.kysely, {
        username,
        passwordHash: userOptions.passwordHash ?? (await currentTestPasswordHash()),
        is_active: userOptions.isActive ?? true,
        is_staff: userOptions.isStaff ?? false,
        is_superuser: userOptions.isSuperuser ?? false,
      });
    },
    async login(username, password = TEST_PASSWORD) {
      const response = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username, password } });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      return (response.json() as { token: string }).token;
    },
    async token(user) {
      if (config.tokenMode === 'per-device') return (await createDeviceToken(database.db.kysely, user.id, 'test', config.tokenTtlSeconds)).key;
      return getOrCreateKey(database.db.kysely, sealer, user.id);
    },
    inject: (injectOptions) => app.inject(injectOptions),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
