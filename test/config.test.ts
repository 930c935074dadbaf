// Configuration from the environment: defaults, validation with the variable's name, and
// the SECRET_KEY generated once into the data folder.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const SECRET = { SECRET_KEY: 'x'.repeat(40) };

describe('loadConfig', () => {
  it('has DRF-seed defaults', () => {
    const config = loadConfig({ ...SECRET }, '/srv/app');
    expect(config.database).toEqual({ dialect: 'sqlite', path: '/srv/app/data/tessera.sqlite3' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8000);
    expect(config.allowedHosts).toEqual(['127.0.0.1', 'localhost']);
    expect(config.corsAllowedOrigins).toEqual(['http://localhost:5173', 'http://127.0.0.1:5173']);
    expect(config.logLevel).toBe('info');
    expect(config.sqliteMmapBytes).toBe(1024 * 1024 * 1024);
    expect(loadConfig({ ...SECRET, SQLITE_MMAP_SIZE: '0' }).sqliteMmapBytes).toBe(0);
  });

  it('reads PostgreSQL URLs and SQLite paths', () => {
    expect(loadConfig({ ...SECRET, DATABASE_URL: 'postgres://u@db:5432/app' }).database).toEqual({ dialect: 'postgres', url: 'postgres://u@db:5432/app' });
    expect(loadConfig({ ...SECRET, DATABASE_URL: 'postgres://u@db:5432/app?schema=tessera&sslmode=require' }).database).toEqual({
      dialect: 'postgres', url: 'postgres://u@db:5432/app?sslmode=require', schema: 'tessera',
    });
    expect(() => loadConfig({ ...SECRET, DATABASE_URL: 'postgres://u@db/app?schema=a;drop' })).toThrow('DATABASE_URL has an invalid schema name');
    expect(loadConfig({ ...SECRET, DATABASE_URL: 'sqlite:///var/lib/t.db' }).database).toEqual({ dialect: 'sqlite', path: '/var/lib/t.db' });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a SQLite file path/],
    [{ CORS_ALLOWED_ORIGINS: 'localhost:5173' }, /CORS_ALLOWED_ORIGINS has "localhost:5173"/],
    [{ CORS_ALLOWED_ORIGINS: 'http://a.com/path' }, /CORS_ALLOWED_ORIGINS has "http:\/\/a.com\/path"/],
    [{ SECRET_KEY: 'short' }, /SECRET_KEY must be at least 32 characters/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must start with redis:\/\//],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY must be true or false/],
    [{ SQLITE_MMAP_SIZE: '4096' }, /SQLITE_MMAP_SIZE must be between 0 and 2047/],
    [{ SQLITE_MMAP_SIZE: '1GB' }, /SQLITE_MMAP_SIZE must be a whole number/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig({ ...SECRET, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SECRET, ...env })).toThrow(message);
  });

  it('generates SECRET_KEY once, mode 0600, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    const env = { DATABASE_URL: join(dir, 'db.sqlite3') };
    const first = loadConfig(env).secretKey;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(env).secretKey).toBe(first);
    const file = join(dir, 'secret_key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
