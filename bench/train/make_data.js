// Synthetic 1-minute candles (deterministic random walks, several series) for the training
// benchmark, and one pipeline config per model type that trains on them with matching
// parameters. Usage: node bench/train/make_data.js <work dir>
// Env: ROWS (default 1000000 dataset rows in all), SERIES (4), ROUNDS (50), THREADS (2).
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { walk } = require('../lib/synthetic');

const work = process.argv[2];
const ROWS = Number(process.env.ROWS || 1_000_000);
const SERIES = Number(process.env.SERIES || 4);
const ROUNDS = Number(process.env.ROUNDS || 50);
const THREADS = Number(process.env.THREADS || 2);
const WARMUP = 49; // the standard features' warm-up (50-candle SMA/EMA); rows start after it

fs.mkdirSync(path.join(work, 'candles'), { recursive: true });
const perSeries = Math.ceil(ROWS / SERIES) + WARMUP;
const series = [];
for (let i = 0; i < SERIES; i++) {
  const file = path.join(work, 'candles', `S${i}.csv`);
  fs.writeFileSync(file, walk(perSeries, 1000 + i, Date.UTC(2020, 0, 1)));
  series.push({ path: file, symbol: `S${i}`, timeframe: '1m' });
}

// Window 1, no look-ahead: a row is exactly one candle's standard features, so the Python side
// trains on dataset.csv's feature columns as they are. No balancing (no row weights).
const models = {
  lightgbm: {
    type: 'lightgbm',
    rounds: ROUNDS,
    learning_rate: 0.1,
    num_leaves: 31,
    min_samples_leaf: 20,
    threads: THREADS,
  },
  xgboost: { type: 'xgboost', rounds: ROUNDS, learning_rate: 0.1, max_depth: 6, min_child_weight: 1, threads: THREADS },
  random_forest: {
    type: 'random_forest',
    rounds: ROUNDS,
    num_leaves: 31,
    min_samples_leaf: 20,
    row_subsample: 0.632,
    feature_subsample: 0.5,
    threads: THREADS,
  },
};
for (const [name, model] of Object.entries(models)) {
  const config = {
    seed: 42,
    data: { series },
    features: { geometry: true, indicators: true, patterns: false, lags: 5 },
    labels: { annotations: [], talib: { patterns: ['engulfing', 'harami', 'doji', 'hammer'] }, min_examples: 10 },
    dataset: { encoding: 'bio', window: 1, lookahead: 0, output_dir: path.join(work, 'dataset') },
    split: { train: 0.8, validation: 0.1, test: 0.1 },
    balance: { mode: 'none' },
    model,
    registry: { root: path.join(work, `models-${name}`), name: `bench-${name}` },
  };
  fs.writeFileSync(path.join(work, `config-${name}.yaml`), YAML.stringify(config));
}
console.log(`${SERIES} series × ${perSeries} synthetic 1-minute candles; ${ROUNDS} rounds, ${THREADS} threads`);
