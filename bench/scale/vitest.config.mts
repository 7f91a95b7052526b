import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The app half of the scale benchmark (bench/scale/run.sh): the BUILT app (web/.next) started as
 * the e2e tests start it, driven by headless Chromium. Run through web/scripts/e2e.mjs
 * (E2E_CONFIG), never by `npm test`: it uploads a file of millions of rows.
 */
export default defineConfig({
  root: path.dirname(fileURLToPath(import.meta.url)),
  test: {
    include: ['app.scale.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
