// The notes project on a fresh database for one test: SQLite in memory, or a PostgreSQL
// schema with a random name (127.0.0.1:5432, or TEST_POSTGRES_URL), dropped after.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildApp, createUser, hashPassword, loadConfig, migrateToLatest, openDatabase, type DatabaseConfig, type Db } from 'tessera';
import { project } from '../../src/project.js';

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: Dialect[] = (process.env.TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .filter((name): name is Dialect => name === 'sqlite' || name === 'postgres');

export const PASSWORD = 'notes-test-password';
let passwordHash: Promise<string> | undefined;

export interface TestDatabase {
  readonly db: Db;
  readonly config: DatabaseConfig;
  drop(): Promise<void>;
}

async function onPublicSchema(statement: string): Promise<void> {
  const admin = openDatabase({ dialect: 'postgres', url: POSTGRES_URL, schema: undefined });
  try {
    await sql.raw(statement).execute(admin.kysely);
  } finally {
    await admin.close();
  }
}

/** A database with Tessera's and the project's migrations applied. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  let config: DatabaseConfig;
  let dropSchema = async (): Promise<void> => {};
  if (dialect === 'sqlite') {
    config = { dialect: 'sqlite', path: ':memory:' };
  } else {
    const schema = `notes_test_${randomBytes(6).toString('hex')}`;
    await onPublicSchema(`create schema ${schema}`);
    config = { dialect: 'postgres', url: POSTGRES_URL, schema };
    dropSchema = () => onPublicSchema(`drop schema ${schema} cascade`);
  }
  const db = openDatabase(config);
  await migrateToLatest(db.kysely, project.migrations);
  return {
    db,
    config,
    async drop() {
      await db.close();
      await dropSchema();
    },
  };
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  /** Makes a user and logs them in through the API; returns the token. */
  user(username: string, options?: { isStaff?: boolean }): Promise<string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(dialect: Dialect): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const config = {
    ...loadConfig({ SECRET_KEY: 'notes-test-secret-key-that-is-long-enough-0123', LOG_LEVEL: 'silent', WEB_ROOT: '' }),
    database: database.config,
  };
  const app = await buildApp({ config, db: database.db, routers: project.routers });
  await app.ready();
  return {
    app,
    database,
    async user(username, options = {}) {
      passwordHash ??= hashPassword(PASSWORD);
      await createUser(database.db.kysely, {
        username, passwordHash: await passwordHash, is_active: true, is_staff: options.isStaff ?? false, is_superuser: false,
      });
      const response = await app.inject({ method: 'POST', url: '/api/token-auth/', payload: { username, password: PASSWORD } });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
      return (response.json() as { token: string }).token;
    },
    inject: (options) => app.inject(options),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
