import { defineConfig } from 'vitest/config';

// The example's own tests: its API through app.inject() on SQLite and PostgreSQL, its
// schema against its migration, and ../shared/conformance's notes suite against the
// server `npm start` runs.
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
