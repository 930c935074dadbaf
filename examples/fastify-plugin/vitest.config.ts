import { defineConfig } from 'vitest/config';

// The example's own tests: its app through app.inject() on SQLite and PostgreSQL.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
