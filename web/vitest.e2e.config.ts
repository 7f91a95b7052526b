import { defineConfig } from 'vitest/config';

/** Browser and process-level tests against the BUILT server (run through scripts/e2e.mjs). */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
