import { defineConfig } from 'vitest/config';

/**
 * The Label Studio interop test (tests/labelstudio): a real Label Studio (scripts/labelstudio.sh)
 * and the BUILT app, run through scripts/e2e.mjs by `npm run test:labelstudio`. Not in `npm test`:
 * it needs Label Studio's ≈1 GB venv and several minutes.
 */
export default defineConfig({
  test: {
    include: ['tests/labelstudio/**/*.ls.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
