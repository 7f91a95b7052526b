'use strict';
/**
 * Loading config/pipeline.yaml for the CLI and the DVC stage scripts, and applying overrides.
 *
 * The engine parses the YAML itself when given `{ configPath }`; these helpers are for the cases
 * that change the config first (`--model`, `--set`, the DVC train stage's imported series): they
 * parse it with the `yaml` package and hand `{ config, rootDir }` to `train`, where `rootDir`
 * follows the engine's rule for files (the parent of the config file's folder).
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const engine = require('./engine');

const ROOT = path.resolve(__dirname, '..', '..');

/** Model keys each family accepts: the engine's own table (`model_keys` in crates/engine/src/config.rs). */
const MODEL_KEYS = engine.modelConfigKeys();
const MODEL_TYPES = Object.keys(MODEL_KEYS);

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.code = 'USAGE';
  }
}

/** Reads a pipeline YAML file: `{ config, rootDir, configPath }` (rootDir = parent of its folder). */
function loadConfigFile(configPath) {
  const abs = path.resolve(configPath);
  let text;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const err = new Error(`read config ${configPath}: ${e.message}`);
    err.code = 'IO_ERROR';
    throw err;
  }
  let config;
  try {
    config = YAML.parse(text);
  } catch (e) {
    const err = new Error(`${configPath}: ${e.message}`);
    err.code = 'INVALID_CONFIG';
    throw err;
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    const err = new Error(`${configPath}: expected a mapping at the top level`);
    err.code = 'INVALID_CONFIG';
    throw err;
  }
  return { config, rootDir: path.dirname(path.dirname(fs.realpathSync(abs))), configPath: abs };
}

/** `"12"` → 12, `"true"` → true, `"[a, b]"` → ['a', 'b'], `"x"` → 'x' (one YAML scalar / flow value). */
function parseValue(text) {
  try {
    return YAML.parse(text);
  } catch {
    return text;
  }
}

/** Sets `a.b.c` in a plain object, creating mappings on the way. */
function setPath(obj, dotted, value) {
  const keys = dotted.split('.');
  if (keys.some((k) => k === '')) throw new UsageError(`--set: bad key '${dotted}'`);
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    if (node[k] === undefined || node[k] === null) node[k] = {};
    if (typeof node[k] !== 'object' || Array.isArray(node[k])) {
      throw new UsageError(`--set ${dotted}: '${k}' is not a mapping in the config`);
    }
    node = node[k];
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * Applies `--model TYPE` and `--set key=value` overrides to a parsed config (a copy is returned).
 * Switching the model type drops the `model:` keys the new family does not accept (the engine
 * would reject them), listing them in `notes`. `--set` is applied after `--model`.
 */
function applyOverrides(config, { model, sets = [] } = {}) {
  const out = structuredClone(config);
  const notes = [];
  if (model !== undefined) {
    if (!MODEL_TYPES.includes(model)) {
      throw new UsageError(`--model must be one of ${MODEL_TYPES.join(', ')} (got '${model}')`);
    }
    const m = out.model && typeof out.model === 'object' ? out.model : {};
    const dropped = Object.keys(m).filter((k) => !MODEL_KEYS[model].includes(k));
    for (const k of dropped) delete m[k];
    m.type = model;
    out.model = m;
    if (dropped.length) {
      notes.push(`--model ${model}: dropped ${dropped.map((k) => `model.${k}`).join(', ')} (not used by ${model})`);
    }
  }
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key.path=value (got '${s}')`);
    setPath(out, s.slice(0, eq).trim(), parseValue(s.slice(eq + 1)));
  }
  return { config: out, notes };
}

/** Resolves a config path (relative to rootDir unless absolute). */
function resolveIn(rootDir, p) {
  return path.isAbsolute(p) ? p : path.join(rootDir, p);
}

module.exports = {
  ROOT,
  MODEL_KEYS,
  MODEL_TYPES,
  UsageError,
  loadConfigFile,
  applyOverrides,
  parseValue,
  setPath,
  resolveIn,
};
