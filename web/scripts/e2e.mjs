#!/usr/bin/env node
// test:e2e — builds the app if the build is missing or older than the sources, then runs the
// end-to-end suite (tests/e2e), which starts the built server on free ports with temp databases.
// E2E_CONFIG names another vitest config run the same way (test:labelstudio). Exits non-zero on
// any failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildId = path.join(web, '.next', 'BUILD_ID');

function newestMtime(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

const inputs = ['src', 'next.config.ts', 'package.json', 'tsconfig.json']
  .map((p) => path.join(web, p))
  .filter((p) => fs.existsSync(p));
const sourcesChanged = () =>
  !fs.existsSync(buildId) || Math.max(...inputs.map(newestMtime)) > fs.statSync(buildId).mtimeMs;

const run = (args) => spawnSync(process.execPath, args, { cwd: web, stdio: 'inherit', env: process.env });
const bin = (pkg, rel) => path.join(path.dirname(fileURLToPath(import.meta.resolve(`${pkg}/package.json`))), rel);

if (process.env.E2E_SKIP_BUILD !== '1' && sourcesChanged()) {
  console.log('[e2e] building the app (next build)…');
  const build = run([bin('next', 'dist/bin/next'), 'build']);
  if (build.status !== 0) {
    console.error('[e2e] next build failed');
    process.exit(build.status ?? 1);
  }
} else {
  console.log('[e2e] using the existing build (.next)');
}

const config = process.env.E2E_CONFIG || 'vitest.e2e.config.ts';
const tests = run([bin('vitest', 'vitest.mjs'), 'run', '--config', config, ...process.argv.slice(2)]);
process.exit(tests.status ?? 1);
