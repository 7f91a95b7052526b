import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

// Runtime paths (the database, the sample CSVs) are data, not code: turbopackIgnore keeps the
// build's file tracing from pulling the whole project in.

/** The web app's folder: the working directory under `npm -w web run …`, or `web/` under the repo root. */
export function webRoot(): string {
  const cwd = process.cwd();
  if (fs.existsSync(path.join(/*turbopackIgnore: true*/ cwd, 'next.config.ts'))) return cwd;
  const nested = path.join(/*turbopackIgnore: true*/ cwd, 'web');
  if (fs.existsSync(path.join(/*turbopackIgnore: true*/ nested, 'next.config.ts'))) return nested;
  return cwd;
}

/** The real sample CSVs shipped with the repository (`data/samples`), seeded as demo datasets. */
export function samplesDir(): string {
  return process.env.CANDLE_SAMPLES_DIR
    ? path.resolve(/*turbopackIgnore: true*/ process.env.CANDLE_SAMPLES_DIR)
    : path.resolve(/*turbopackIgnore: true*/ webRoot(), '..', 'data', 'samples');
}
