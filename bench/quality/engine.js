// The product's side of the quality benchmark: `train` through the addon with the SHIPPED config
// (config/pipeline.yaml) where only the data, the labels and where files go are replaced, then
// `predict` on each held-out instrument with the new version.
//   node bench/quality/engine.js WORK_DIR [key.path=value ...]   → WORK_DIR/engine.json
// Extra key=value pairs override config keys (YAML values), for experiments; the benchmark itself
// passes none.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const engine = require('../../index.js');
const { INSTRUMENTS } = require('./instruments.js');

const ROOT = path.join(__dirname, '..', '..');

function setPath(obj, dotted, value) {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  if (value === undefined) delete o[keys.at(-1)];
  else o[keys.at(-1)] = value;
}

async function main() {
  const work = path.resolve(process.argv[2]);
  const config = YAML.parse(fs.readFileSync(path.join(ROOT, 'config/pipeline.yaml'), 'utf8'));
  const heldOut = INSTRUMENTS.filter((i) => i.role === 'held-out');
  // What the benchmark replaces: the data (training instruments + the held-out ones as the test
  // set), the labels (the fixed labelling, no TA-Lib auto-labels), where files go.
  config.data = { series: INSTRUMENTS.map((i) => ({ path: i.path, symbol: i.symbol, timeframe: i.timeframe })) };
  config.labels = { ...config.labels, annotations: [path.join(work, 'spans.json')] };
  delete config.labels.talib;
  config.split = { ...config.split, test_series: heldOut.map((i) => i.symbol) };
  config.dataset = { ...config.dataset, output_dir: path.join(work, 'dataset') };
  config.registry = { ...config.registry, root: path.join(work, 'models') };
  for (const arg of process.argv.slice(3)) {
    const eq = arg.indexOf('=');
    const raw = arg.slice(eq + 1);
    setPath(config, arg.slice(0, eq), raw === '' ? undefined : YAML.parse(raw));
  }
  const t0 = performance.now();
  const outcome = await engine.train({ config, rootDir: ROOT });
  const trainSeconds = (performance.now() - t0) / 1000;
  const predictions = {};
  for (const inst of heldOut) {
    const candles = (await engine.importCsvFile(path.join(ROOT, inst.path))).series[0].candles;
    const p = await engine.predict(candles, { model: outcome.version, registry: config.registry.root });
    predictions[inst.symbol] = p.spans.map((s) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      confidence: s.confidence,
    }));
  }
  const metrics = JSON.parse(fs.readFileSync(outcome.paths.metricsFile, 'utf8'));
  const out = {
    version: outcome.version,
    modelType: outcome.modelType,
    trainSeconds,
    rounds: outcome.rounds,
    rows: outcome.rows,
    summary: outcome.metrics,
    boundaries: metrics.test?.boundaries ?? null,
    config,
    predictions,
  };
  fs.writeFileSync(path.join(work, 'engine.json'), JSON.stringify(out));
  console.error(
    `engine: ${outcome.modelType} ${outcome.version}, train ${trainSeconds.toFixed(1)} s, ${outcome.rounds} rounds`,
  );
}

main().catch((e) => {
  console.error(e.code ?? '', e.message);
  process.exit(1);
});
