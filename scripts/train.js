#!/usr/bin/env node
'use strict';
/**
 * Trains a model from a pipeline config, in-process (engine.train), with a live progress bar.
 *
 *   npm run train -- [--config config/pipeline.yaml] [--model lightgbm|xgboost|random_forest]
 *                    [--set key.path=value ...] [--registry DIR] [--json] [--outcome FILE]
 *
 * Ctrl+C cancels (exit 130, nothing published). Failures print `[CODE] message` and exit 1.
 * See docs/training.md ("CLI").
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { UsageError, loadConfigFile, applyOverrides } = require('./lib/config');

const HELP = `usage: npm run train -- [options]

  --config FILE      pipeline config (default config/pipeline.yaml)
  --model TYPE       override model.type: lightgbm | xgboost | random_forest
                     (model keys the new type does not use are dropped, and listed)
  --set KEY=VALUE    override any config key, e.g. --set model.rounds=50 --set split.test_series=[IBM]
                     (VALUE is YAML; repeatable; relative paths resolve like the file's)
  --registry DIR     model registry folder (overrides registry.root; relative to the current folder)
  --json             print the TrainOutcome as JSON on stdout (progress and summary go to stderr)
  --outcome FILE     also write the TrainOutcome as JSON to FILE
  -h, --help

Exit status: 0 trained and registered; 1 the engine failed (the error code and message are
printed); 2 bad usage; 130 cancelled with Ctrl+C (143 with SIGTERM), nothing published.`;

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'config/pipeline.yaml' },
      model: { type: 'string', short: 'm' },
      set: { type: 'string', multiple: true, default: [] },
      registry: { type: 'string' },
      json: { type: 'boolean', default: false },
      outcome: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  return values;
}

async function main() {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`train: ${e.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // With --json, stdout carries only the JSON document.
  const out = args.json ? process.stderr : process.stdout;

  let trainConfig;
  try {
    if (args.model === undefined && args.set.length === 0 && args.registry === undefined) {
      if (!fs.existsSync(args.config))
        throw Object.assign(new Error(`config file not found: ${args.config}`), { code: 'IO_ERROR' });
      trainConfig = { configPath: path.resolve(args.config) };
    } else {
      const { config, rootDir } = loadConfigFile(args.config);
      const sets = [...args.set];
      const { config: changed, notes } = applyOverrides(config, { model: args.model, sets });
      if (args.registry !== undefined) {
        changed.registry = { ...(changed.registry || {}), root: path.resolve(args.registry) };
      }
      for (const n of notes) out.write(`train: ${n}\n`);
      trainConfig = { config: changed, rootDir };
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`train: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`train failed: [${e.code || 'ERROR'}] ${e.message}\n`);
    return 1;
  }

  // Required here (not at the top) so that --help and usage errors work without the addon.
  const { runTraining, formatSummary } = require('./lib/training');
  out.write(`train: ${args.config}${args.model ? ` (model.type=${args.model})` : ''}\n`);
  try {
    const { outcome, elapsedMs, lateSignal } = await runTraining(trainConfig, { stream: out });
    if (args.outcome) {
      fs.mkdirSync(path.dirname(path.resolve(args.outcome)), { recursive: true });
      fs.writeFileSync(args.outcome, JSON.stringify(outcome, null, 2) + '\n');
    }
    out.write('\n' + formatSummary(outcome, { elapsedMs }));
    if (lateSignal)
      out.write(`train: ${lateSignal} came after ${outcome.version} was published; the version is complete and kept\n`);
    if (args.json) process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
    return 0;
  } catch (err) {
    if (err && err.code === 'CANCELLED') {
      process.stderr.write(`train: cancelled${err.signal ? ` (${err.signal})` : ''}; no version was published\n`);
      return err.signal === 'SIGTERM' ? 143 : 130;
    }
    process.stderr.write(`train failed: [${(err && err.code) || 'ERROR'}] ${err && err.message}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
