import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Unit tests (next to the code, src/**) and route tests (tests/api/**, real SQLite in a temp dir). */
export default defineConfig({
  resolve: {
    alias: {
      '@': here('./src'),
      // Next's guard module throws outside React Server Components; tests run server code directly.
      'server-only': here('./tests/support/serverOnly.ts'),
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'tests/api/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
