#!/usr/bin/env node
'use strict';
/**
 * DVC stage `import`: reads every `data.series` file of the pipeline config with the engine's
 * importer (engine.importCsvFile: the same detection and candle checks as training) and writes
 * each series as a normalised CSV, plus an index:
 *
 *   <out>/<SERIES>.csv   time (ISO 8601 UTC, ms), open, high, low, close, volume — the engine's
 *                        values written exactly (shortest round-trip decimals)
 *   <out>/series.json    per series: id, file, source path + SHA-256, timeframe, candle count,
 *                        first/last time, what the importer detected
 *
 * The train stage trains on these files, so what DVC caches here is exactly what the model saw.
 * Each written file is imported again and compared value by value before the stage succeeds.
 *
 *   node scripts/pipeline/import.js --config config/pipeline.yaml --out artifacts/import
 */
const fs = require('node:fs');
const path = require('node:path');
const { loadConfigFile, resolveIn } = require('../lib/config');
const {
  ROOT,
  stageError,
  stageArgs,
  runStage,
  assertDeclared,
  sha256File,
  writeFolder,
  safeName,
} = require('../lib/stage');

const engine = require(ROOT);
const COLUMNS = ['open', 'high', 'low', 'close', 'volume'];

/** The series a config entry yields, with the ids `train` would give them (train.rs load_series). */
function seriesIds(entry, index, imported, file) {
  const stem = path.basename(file).replace(/\.[^.]*$/, '') || `series${index}`;
  let found = imported.series.map((s) => ({ ...s, id: s.symbol ?? stem }));
  if (entry.symbol) {
    if (found.length > 1) {
      found = found.filter((s) => s.id.toLowerCase() === entry.symbol.toLowerCase());
      if (!found.length) {
        throw stageError(
          'INVALID_CONFIG',
          `data.series[${index}]: ${entry.path} has no series with symbol '${entry.symbol}'`,
        );
      }
    }
    found = found.map((s) => ({ ...s, id: entry.symbol }));
  }
  return found.map((s) => ({ ...s, timeframe: s.timeframe ?? entry.timeframe ?? null }));
}

function toCsv(c) {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < c.time.length; i++) {
    lines.push(`${new Date(c.time[i]).toISOString()},${COLUMNS.map((k) => String(c[k][i])).join(',')}`);
  }
  return lines.join('\n') + '\n';
}

function sameCandles(a, b) {
  if (a.time.length !== b.time.length) return `length ${b.time.length} != ${a.time.length}`;
  for (const k of ['time', ...COLUMNS]) {
    for (let i = 0; i < a[k].length; i++) {
      if (!Object.is(a[k][i], b[k][i])) return `${k}[${i}]: ${b[k][i]} != ${a[k][i]}`;
    }
  }
  return null;
}

async function main() {
  const args = stageArgs('import', { config: 'config/pipeline.yaml', out: 'artifacts/import' });
  const { config, rootDir } = loadConfigFile(args.config);
  const entries = (config.data && config.data.series) || [];
  if (!Array.isArray(entries) || entries.length === 0)
    throw stageError('INVALID_CONFIG', 'data.series: list at least one series');
  const files = entries.map((e, i) => {
    if (!e || typeof e.path !== 'string' || !e.path)
      throw stageError('INVALID_CONFIG', `data.series[${i}].path is missing`);
    return resolveIn(rootDir, e.path);
  });
  assertDeclared('import', files, 'data.series file(s)');

  const out = path.resolve(args.out);
  const index = [];
  await writeFolder(out, async (tmp) => {
    const used = new Map();
    for (const [i, entry] of entries.entries()) {
      const options = {};
      if (entry.symbol) options.symbol = entry.symbol;
      if (entry.timeframe) options.timeframe = entry.timeframe;
      const imported = await engine.importCsvFile(files[i], options);
      for (const s of seriesIds(entry, i, imported, files[i])) {
        const key = s.id.toLowerCase();
        if (used.has(key)) {
          throw stageError(
            'INVALID_CONFIG',
            `data.series[${i}]: series id '${s.id}' is used twice (set data.series[${i}].symbol)`,
          );
        }
        let name = `${safeName(s.id)}.csv`;
        while ([...used.values()].includes(name)) name = `_${name}`;
        used.set(key, name);
        const target = path.join(tmp, name);
        fs.writeFileSync(target, toCsv(s.candles));
        // Read it back the way training will: the values must survive exactly.
        const again = await engine.importCsvFile(target, {
          symbol: s.id,
          ...(s.timeframe ? { timeframe: s.timeframe } : {}),
        });
        const diff =
          again.series.length === 1 ? sameCandles(s.candles, again.series[0].candles) : `${again.series.length} series`;
        if (diff) throw stageError('INTERNAL', `${name} does not read back as written (${diff})`);
        const n = s.candles.time.length;
        index.push({
          id: s.id,
          file: name,
          timeframe: s.timeframe,
          candles: n,
          first: new Date(s.candles.time[0]).toISOString(),
          last: new Date(s.candles.time[n - 1]).toISOString(),
          source: path.relative(rootDir, files[i]) || files[i],
          sourceSha256: sha256File(files[i]),
          detected: imported.detected,
        });
        console.log(
          `import: ${s.id}: ${n} candles (${index[index.length - 1].first.slice(0, 10)} … ${index[index.length - 1].last.slice(0, 10)}) from ${entry.path} → ${path.join(args.out, name)}`,
        );
      }
    }
    fs.writeFileSync(
      path.join(tmp, 'series.json'),
      JSON.stringify({ format: 1, engine: engine.engineVersion(), series: index }, null, 2) + '\n',
    );
  });
  console.log(`import: ${index.length} series → ${args.out}`);
}

runStage('import', main);
