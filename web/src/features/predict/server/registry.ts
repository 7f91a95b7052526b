import 'server-only';
import path from 'node:path';
import { webRoot } from '@/server/paths';

/**
 * The model registry folder: $CANDLE_MODELS_DIR, else `<repo root>/models` (the web server runs
 * in `web/`, where the engine's own default `./models` would point at the wrong folder).
 */
export function modelsDir(): string {
  const env = process.env.CANDLE_MODELS_DIR;
  return env ? path.resolve(/*turbopackIgnore: true*/ env) : path.resolve(/*turbopackIgnore: true*/ webRoot(), '..', 'models');
}
