'use strict';
/**
 * Shared bits of the DVC stage scripts (scripts/pipeline/*.js): argument parsing, the run
 * wrapper (coded errors → `[CODE] message`, exit 1), and the check that every input file a
 * stage reads is declared among its `deps` in dvc.yaml (else DVC would not rerun the stage
 * when that file changes).
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const YAML = require('yaml');
const { ROOT } = require('./config');

function stageError(code, message) {
  return Object.assign(new Error(message), { code });
}

/** `--name value` options, all strings, with defaults; unknown options are errors. */
function stageArgs(name, defaults) {
  const options = {};
  for (const k of Object.keys(defaults)) options[k] = { type: 'string', default: defaults[k] };
  try {
    return parseArgs({ args: process.argv.slice(2), options }).values;
  } catch (e) {
    process.stderr.write(`${name}: ${e.message}\n`);
    process.exit(2);
  }
}

/** Runs a stage's main; errors print `[CODE] message` and exit 1. */
function runStage(name, main) {
  main().then(
    () => {},
    (err) => {
      process.stderr.write(`${name} failed: [${(err && err.code) || 'ERROR'}] ${err && err.message}\n`);
      process.exitCode = err && err.code === 'CANCELLED' ? 130 : 1;
    },
  );
}

/** The `deps` of a stage in `<root>/dvc.yaml`, as absolute paths (null: no dvc.yaml / stage). */
function declaredDeps(stage, root = ROOT) {
  const file = path.join(root, 'dvc.yaml');
  if (!fs.existsSync(file)) return null;
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const st = doc && doc.stages && doc.stages[stage];
  if (!st) return null;
  return (st.deps || [])
    .map((d) => (typeof d === 'string' ? d : Object.keys(d)[0]))
    .filter((d) => !d.includes('${'))
    .map((d) => path.resolve(root, d));
}

/** Fails when a file the stage reads is not a dep (or inside one) of `stage` in dvc.yaml. */
function assertDeclared(stage, files, what) {
  const deps = declaredDeps(stage);
  if (!deps) return;
  const missing = files.filter((f) => {
    const abs = path.resolve(f);
    return !deps.some((d) => abs === d || abs.startsWith(d + path.sep));
  });
  if (missing.length) {
    throw stageError(
      'INVALID_CONFIG',
      `${what} ${missing.map((f) => path.relative(ROOT, path.resolve(f))).join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} not among the deps of stage '${stage}' in dvc.yaml: ` +
        'add the file (or its folder) there, or DVC will not rerun the stage when it changes',
    );
  }
}

function sha256File(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Replaces a folder's contents: `write(tmp)` fills `<dir>.tmp-<pid>`, which then replaces `dir`. */
async function writeFolder(dir, write) {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  let result;
  try {
    result = await write(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return result;
}

/** A file name for a series id (ids may hold `/`, `:`, spaces). */
function safeName(id) {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

module.exports = {
  ROOT,
  stageError,
  stageArgs,
  runStage,
  declaredDeps,
  assertDeclared,
  sha256File,
  writeFolder,
  safeName,
};
