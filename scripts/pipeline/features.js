#!/usr/bin/env node
'use strict';
/**
 * DVC stage `features`: the standard feature set (engine.computeFeatures with the config's
 * `features:` section, docs/features.md; `patterns: auto` computes the TA-Lib recognisers) of
 * every imported series:
 *
 *   <out>/<SERIES>.csv    time, candle (index), then one column per feature, one line per candle
 *                         from the feature warm-up on (the rows training can use); values as the
 *                         engine computed them (shortest round-trip decimals, empty = missing)
 *   <out>/features.json   the feature config, names, per series (candles, warm-up, rows) and per
 *                         feature (min, max, mean, std, missing) over all series
 *
 * These are the per-candle columns of the training dataset (dataset.csv carries the same values
 * for the same candles; the DVC test checks it); the engine's `train` computes them again
 * in-process, so `train` does not read this folder: it is the pipeline's feature table for
 * analysis, notebooks and drift checks.
 *
 *   node scripts/pipeline/features.js --config config/pipeline.yaml --in artifacts/import --out artifacts/features
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadConfigFile } = require('../lib/config');
const { ROOT, stageError, stageArgs, runStage, writeFolder } = require('../lib/stage');

const engine = require(ROOT);

const num = (v) => (Number.isFinite(v) ? String(v) : '');

async function main() {
  const args = stageArgs('features', {
    config: 'config/pipeline.yaml',
    in: 'artifacts/import',
    out: 'artifacts/features',
  });
  const { config } = loadConfigFile(args.config);
  // `patterns: auto` is decided by `train` from the labels (on unless every label comes from
  // TA-Lib); this side branch, which reads only the `features` key, computes the recognisers too
  // so it shows every feature `train` may use.
  const featureConfig =
    config.features && config.features.patterns === 'auto' ? { ...config.features, patterns: true } : config.features;
  const indexFile = path.join(args.in, 'series.json');
  if (!fs.existsSync(indexFile)) throw stageError('IO_ERROR', `${indexFile} not found: run the import stage first`);
  const { series } = JSON.parse(fs.readFileSync(indexFile, 'utf8'));

  let names = null;
  const perSeries = [];
  // Running per-feature statistics (Welford), over every written row of every series.
  let stats = null;
  await writeFolder(path.resolve(args.out), async (tmp) => {
    for (const s of series) {
      const {
        series: [imported],
      } = await engine.importCsvFile(path.join(args.in, s.file), {
        symbol: s.id,
        ...(s.timeframe ? { timeframe: s.timeframe } : {}),
      });
      const c = imported.candles;
      const frame = await engine.computeFeatures(c, featureConfig);
      if (!names) {
        names = frame.names;
        stats = names.map(() => ({ n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, missing: 0 }));
      } else if (frame.names.join() !== names.join()) {
        throw stageError('INTERNAL', `${s.id}: feature names differ from the first series'`);
      }
      const n = c.time.length;
      const lines = [['time', 'candle', ...names].join(',')];
      for (let i = frame.warmup; i < n; i++) {
        const row = [new Date(c.time[i]).toISOString(), String(i)];
        for (let f = 0; f < names.length; f++) {
          const v = frame.columns[f][i];
          row.push(num(v));
          const st = stats[f];
          if (!Number.isFinite(v)) {
            st.missing++;
            continue;
          }
          st.n++;
          const d = v - st.mean;
          st.mean += d / st.n;
          st.m2 += d * (v - st.mean);
          if (v < st.min) st.min = v;
          if (v > st.max) st.max = v;
        }
        lines.push(row.join(','));
      }
      const file = s.file;
      fs.writeFileSync(path.join(tmp, file), lines.join('\n') + '\n');
      perSeries.push({ id: s.id, file, candles: n, warmup: frame.warmup, rows: Math.max(0, n - frame.warmup) });
      console.log(
        `features: ${s.id}: ${names.length} features × ${Math.max(0, n - frame.warmup)} candles (warm-up ${frame.warmup}) → ${path.join(args.out, file)}`,
      );
    }
    const summary = {};
    names.forEach((name, f) => {
      const st = stats[f];
      summary[name] = {
        min: st.n ? st.min : null,
        max: st.n ? st.max : null,
        mean: st.n ? st.mean : null,
        std: st.n > 1 ? Math.sqrt(st.m2 / (st.n - 1)) : null,
        missing: st.missing,
      };
    });
    fs.writeFileSync(
      path.join(tmp, 'features.json'),
      JSON.stringify(
        {
          format: 1,
          engine: engine.engineVersion(),
          featureConfig: featureConfig ?? null,
          names,
          series: perSeries,
          summary,
        },
        null,
        2,
      ) + '\n',
    );
  });
  console.log(`features: ${series.length} series → ${args.out}`);
}

runStage('features', main);
