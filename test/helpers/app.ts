// An app on a fresh database for one test, with helpers to make users and log in.
// Users get a password hash made once per run: argon2 at full cost (~0.2 s) for every
// user of every test would dominate the suite, and hashing has tests of its own.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { LoginThrottle } from '../../src/auth/throttle.js';
import type { AuthEvents } from '../../src/auth/events.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { insertUser, type User } from '../../src/auth/users.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Project } from '../../src/project.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './database.js';

export const TEST_PASSWORD = 'test-password-123';
let testPasswordHash: Promise<string> | undefined;

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
  /** Logs in through the API and returns the key. */
  login(username: string, password?: string): Promise<string>;
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
}

export async function createTestApp(dialect: TestDialect, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect, { migrations: options.project?.migrations, trace: options.trace });
  const config = testConfig({ ...options.config, database: database.config });
  const app = await buildApp({ config, db: database.db, throttle: options.throttle, authEvents: options.authEvents, routers: options.project?.routers });
  await app.ready();
  return {
    app,
    database,
    config,
    async createUser(username, userOptions = {}) {
      testPasswordHash ??= hashPassword(TEST_PASSWORD);
      return insertUser(database.db.kysely, {
        username,
        passwordHash: userOptions.passwordHash ?? (await testPasswordHash),
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
    inject: (injectOptions) => app.inject(injectOptions),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
