#!/usr/bin/env node
'use strict';
/**
 * DVC stage `train`: one engine.train run on the imported series (the import stage's files
 * replace `data.series`; everything else is config/pipeline.yaml as written). The engine does
 * labels → dataset → split → fit → evaluate → register in one in-process call (it has no
 * dataset-only mode), so this stage owns both of its file outputs:
 *
 *   <dataset.output_dir>/dataset.csv, manifest.json   the training table (written by the engine)
 *   <out>/outcome.json                                  the TrainOutcome (paths relative to the repo)
 *   <out>/model/                                        a copy of the registered version's folder
 *                                                       (model file, model.json, metrics.json, plots)
 *
 * The version is also published in the registry (`registry.root`, models/ by default), which DVC
 * does not track (it holds every version and the champion alias).
 *
 *   node scripts/pipeline/train.js --config config/pipeline.yaml --series artifacts/import --out artifacts/train
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadConfigFile, resolveIn } = require('../lib/config');
const { stageError, stageArgs, runStage, assertDeclared, writeFolder } = require('../lib/stage');
const { runTraining, formatSummary } = require('../lib/training');

/** Paths under `root` become relative (portable between clones), others stay absolute. */
function relativise(value, root) {
  if (typeof value === 'string' && path.isAbsolute(value)) {
    const r = path.relative(root, value);
    return r && !r.startsWith('..') ? r : value;
  }
  if (Array.isArray(value)) return value.map((v) => relativise(v, root));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativise(v, root)]));
  }
  return value;
}

async function main() {
  const args = stageArgs('train', {
    config: 'config/pipeline.yaml',
    series: 'artifacts/import',
    out: 'artifacts/train',
  });
  const { config, rootDir } = loadConfigFile(args.config);
  const indexFile = path.join(args.series, 'series.json');
  if (!fs.existsSync(indexFile)) throw stageError('IO_ERROR', `${indexFile} not found: run the import stage first`);
  const { series } = JSON.parse(fs.readFileSync(indexFile, 'utf8'));

  const annotations = ((config.labels && config.labels.annotations) || []).map((p) => resolveIn(rootDir, p));
  assertDeclared('train', annotations, 'labels.annotations file(s)');

  const seriesDir = path.resolve(args.series);
  config.data = {
    series: series.map((s) => ({
      path: path.relative(rootDir, path.join(seriesDir, s.file)),
      symbol: s.id,
      ...(s.timeframe ? { timeframe: s.timeframe } : {}),
    })),
  };
  console.log(
    `train: ${series.length} imported series (${series.map((s) => s.id).join(', ')}) from ${args.series}, model ${config.model && config.model.type}`,
  );

  const { outcome, elapsedMs } = await runTraining({ config, rootDir }, { label: 'train' });
  await writeFolder(path.resolve(args.out), async (tmp) => {
    fs.cpSync(outcome.paths.versionDir, path.join(tmp, 'model'), { recursive: true });
    const record = {
      ...relativise(outcome, rootDir),
      trainedFrom: { config: path.relative(rootDir, path.resolve(args.config)), series: args.series },
    };
    fs.writeFileSync(path.join(tmp, 'outcome.json'), JSON.stringify(record, null, 2) + '\n');
  });
  process.stdout.write('\n' + formatSummary(outcome, { elapsedMs, cwd: rootDir }));
}

runStage('train', main);
