// Trains the benchmark's models into a temp registry and writes the request bodies.
//   node setup.js REGISTRY OUT
// Models of the size users train: the standard 139 features (geometry, indicators, the 61 TA-Lib
// candlestick columns, 5 lags), BIO spans of two two-candle patterns (5 classes), 200 rounds, no
// early stopping — LightGBM with up to 63 leaves per tree, XGBoost with depth 6. The look-ahead is
// 0, so a pattern's first candle is not given away by its own recogniser column: the trees grow
// to full size (OUT/models.json reports the leaves per tree). IBM is held out of training; the
// requests are 500 IBM candles.
// Both models go to one registry (REGISTRY), and each request names its version. OUT gets, per
// model: predict-<model>.json (JSON columns + options.model) and predict.f64 (the same candles as
// the binary body: 6 little-endian Float64 columns; the version goes in the query string);
// batch-<model>.json (32 x 500 candles); range.json (those 500 candles' first and last times, for
// the dataset-range form); ibm.json (all of IBM, for the reference's range requests); models.json
// (what run.sh needs).
const fs = require('node:fs');
const path = require('node:path');
const engine = require('../..');

const ROOT = path.join(__dirname, '..', '..');
const [registry, out] = process.argv.slice(2);
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'];

function config(model, name) {
  return {
    seed: 7,
    data: {
      series: [
        { path: 'data/samples/aapl_daily.csv', symbol: 'AAPL', timeframe: '1d' },
        { path: 'data/samples/msft_daily.csv', symbol: 'MSFT', timeframe: '1d' },
        { path: 'data/samples/goog_daily.csv', symbol: 'GOOG', timeframe: '1d' },
        { path: 'data/samples/sp500_daily_yahoo.csv', symbol: 'SPX', timeframe: '1d' },
        { path: 'data/samples/ibm_daily.csv', symbol: 'IBM', timeframe: '1d' },
      ],
    },
    features: { geometry: true, indicators: true, patterns: true, lags: 5 },
    labels: {
      annotations: [],
      talib: { patterns: ['engulfing', 'harami'], directions: ['bullish', 'bearish'] },
      min_examples: 10,
    },
    dataset: { encoding: 'bio', window: 1, lookahead: 0, output_dir: path.join(registry, `dataset-${name}`) },
    split: { train: 0.8, validation: 0.2, test_series: ['IBM'] },
    model,
    registry: { root: registry, name: 'bench-patterns' },
  };
}

const MODELS = {
  lightgbm: { type: 'lightgbm', rounds: 200, learning_rate: 0.05, num_leaves: 63, min_samples_leaf: 5, threads: 2 },
  xgboost: { type: 'xgboost', rounds: 200, learning_rate: 0.05, max_depth: 6, threads: 2 },
};

/** Trees and leaves per tree of a saved model file. */
function treeStats(type, file) {
  const text = fs.readFileSync(file, 'utf8');
  let leaves;
  if (type === 'xgboost') {
    const trees = JSON.parse(text).learner.gradient_booster.model.trees;
    leaves = trees.map((t) => t.left_children.filter((c) => c === -1).length);
  } else {
    leaves = [...text.matchAll(/^num_leaves=(\d+)$/gm)].map((m) => Number(m[1]));
  }
  return {
    trees: leaves.length,
    meanLeaves: leaves.reduce((a, b) => a + b, 0) / leaves.length,
    maxLeaves: Math.max(...leaves),
  };
}

async function main() {
  const models = {};
  for (const [name, model] of Object.entries(MODELS)) {
    const t0 = Date.now();
    const trained = await engine.train({ config: config(model, name), rootDir: ROOT });
    const info = await engine.modelInfo(trained.version, registry);
    const versionDir = path.join(registry, 'versions', trained.version);
    const card = JSON.parse(fs.readFileSync(path.join(versionDir, 'model.json'), 'utf8'));
    models[name] = {
      version: trained.version,
      versionDir,
      // The first candle with a prediction: what the Python side needs to build the same rows.
      firstTarget: info.minCandles - card.rows.lookahead - 1,
      classes: info.classNames.length,
      features: info.featureNames.length,
      rounds: card.rounds,
      ...treeStats(model.type, path.join(versionDir, card.modelFile)),
      trainSeconds: (Date.now() - t0) / 1000,
    };
  }
  const ibm = (await engine.importCsvFile(path.join(ROOT, 'data/samples/ibm_daily.csv'), { onInvalidRow: 'skip' }))
    .series[0].candles;
  const slice = (start, n) =>
    Object.fromEntries(COLUMNS.map((k) => [k, Array.from(ibm[k].subarray(start, start + n))]));
  const request = slice(1000, 500);
  const binary = new Float64Array(6 * 500);
  COLUMNS.forEach((k, i) => binary.set(request[k], i * 500));
  fs.writeFileSync(path.join(out, 'predict.f64'), Buffer.from(binary.buffer));
  fs.writeFileSync(path.join(out, 'reference.json'), JSON.stringify({ candles: request }));
  // The same 500 candles as a time range of the stored IBM dataset (the chart's request form):
  // the product reads them and their context from SQLite; the reference holds all of IBM in memory.
  const range = { from: request.time[0], to: request.time.at(-1) };
  fs.writeFileSync(path.join(out, 'range.json'), JSON.stringify(range));
  fs.writeFileSync(path.join(out, 'ibm.json'), JSON.stringify(slice(0, ibm.time.length)));
  for (const [name, { version }] of Object.entries(models)) {
    const options = { model: version };
    fs.writeFileSync(path.join(out, `predict-${name}.json`), JSON.stringify({ candles: request, options }));
    const requests = Array.from({ length: 32 }, (_, i) => ({
      candles: slice((i * 97) % (ibm.time.length - 500), 500),
      options,
    }));
    fs.writeFileSync(path.join(out, `batch-${name}.json`), JSON.stringify({ requests }));
  }
  fs.writeFileSync(path.join(out, 'models.json'), JSON.stringify(models, null, 2));
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
