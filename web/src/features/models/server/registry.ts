import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import * as engine from '@/server/engine';
import type { ModelFallback } from '@/server/engine';
import { ApiError } from '@/server/http/apiError';
import { engineApiError } from '@/server/http/engineErrors';
import { webRoot } from '@/server/paths';

/**
 * The model registry: where versions live, what each is (metadata, metrics, plots) and which one
 * the `champion` alias names. Training writes versions into it; predictions read from it.
 */

/**
 * The model registry folder: $CANDLE_MODELS_DIR, else `<repo root>/models` (the web server runs
 * in `web/`, where the engine's own default `./models` would point at the wrong folder).
 */
export function modelsDir(): string {
  const env = process.env.CANDLE_MODELS_DIR;
  return env
    ? path.resolve(/*turbopackIgnore: true*/ env)
    : path.resolve(/*turbopackIgnore: true*/ webRoot(), '..', 'models');
}

/** An engine error as the API reports it; anything else 500 INTERNAL (logged). */
function registryError(error: unknown, messages?: Parameters<typeof engineApiError>[1]): ApiError {
  if (error instanceof ApiError) return error;
  const mapped = engineApiError(error, messages);
  if (mapped) return mapped;
  console.error('[api/models] unexpected error', error);
  return new ApiError(500, 'INTERNAL', 'Internal server error; see the server log.');
}

const loggedFallbacks = new Set<string>();

/**
 * Logs a fallback once per kind (which alias, which version was damaged, which serves instead),
 * not on every prediction; returns its argument.
 */
export function noteFallback<T extends { fallback?: ModelFallback }>(result: T): T {
  const f = result.fallback;
  if (f) {
    const key = `${f.requested}|${f.unavailableVersion}|${f.code}|${f.servedVersion}`;
    if (!loggedFallbacks.has(key)) {
      loggedFallbacks.add(key);
      console.warn(
        `[model] '${f.requested}' (${f.unavailableVersion ?? 'unknown version'}) cannot be served (${f.code}: ${f.reason}); serving ${f.servedVersion}, the newest intact version`,
      );
    }
  }
  return result;
}

/** A version's (or alias's) metadata and per-class metrics; plots by file name only. */
export async function describeModel(versionOrAlias: string) {
  try {
    const info = noteFallback(await engine.modelInfo(versionOrAlias, modelsDir()));
    // Plot files by name only: server paths stay on the server.
    return { ...info, plots: info.plots.map((p) => path.basename(p)) };
  } catch (error) {
    throw registryError(error);
  }
}

/** Every registered version, oldest first, with aliases and summary metrics. */
export async function listModelVersions() {
  try {
    return await engine.listModels(modelsDir());
  } catch (error) {
    throw registryError(error);
  }
}

/** Points the registry's `champion` alias at `version`. */
export async function promoteVersion(version: string) {
  try {
    return await engine.promote(version, modelsDir());
  } catch (error) {
    throw registryError(error, { MODEL_NOT_FOUND: `No model version ${version}.` });
  }
}

/** A plot file of a registry version, only when it lies inside the registry folder. */
export async function plotFile(versionOrAlias: string, name: string): Promise<{ body: Buffer; contentType: string }> {
  if (!/^[\w.-]+\.svg$/.test(name)) throw new ApiError(400, 'INVALID_NAME', 'Only SVG plots by file name.');
  let info: engine.ModelInfo;
  try {
    info = await engine.modelInfo(versionOrAlias, modelsDir());
  } catch (error) {
    throw registryError(error, {
      MODEL_NOT_FOUND: `No model ${versionOrAlias}.`,
      NO_MODEL: `No model ${versionOrAlias}.`,
    });
  }
  const root = fs.realpathSync(modelsDir());
  const match = info.plots.find((p) => path.basename(p) === name);
  if (!match) throw new ApiError(404, 'NOT_FOUND', `Model ${info.version} has no plot ${name}.`);
  const real = fs.realpathSync(path.resolve(root, match));
  if (!real.startsWith(root + path.sep)) throw new ApiError(404, 'NOT_FOUND', 'Plot not found.');
  return { body: fs.readFileSync(real), contentType: 'image/svg+xml' };
}
