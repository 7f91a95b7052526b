// Trains a small model into a temp registry (argv[2]) and writes a 500-candle request body
// (argv[3]/predict.json) and a 32-item batch (argv[3]/batch.json), from the real samples.
const fs = require('node:fs')
const path = require('node:path')
const engine = require('../..')

const ROOT = path.join(__dirname, '..', '..')
const [registry, out] = process.argv.slice(2)

async function main() {
  const config = {
    seed: 7,
    data: { series: [
      { path: 'data/samples/aapl_daily.csv', symbol: 'AAPL', timeframe: '1d' },
      { path: 'data/samples/msft_daily.csv', symbol: 'MSFT', timeframe: '1d' },
    ] },
    features: { geometry: true, indicators: true, patterns: false, lags: 2 },
    labels: { annotations: [], talib: { patterns: ['engulfing', 'doji'], directions: ['bullish', 'bearish'] }, min_examples: 10 },
    dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(registry, 'dataset') },
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    model: { type: 'lightgbm', rounds: 50, learning_rate: 0.1, num_leaves: 31 },
    registry: { root: registry, name: 'bench-patterns' },
  }
  const trained = await engine.train({ config, rootDir: ROOT })
  const ibm = (await engine.importCsvFile(path.join(ROOT, 'data/samples/ibm_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles
  const slice = (start, n) => Object.fromEntries(['time', 'open', 'high', 'low', 'close', 'volume'].map((k) => [k, Array.from(ibm[k].subarray(start, start + n))]))
  fs.writeFileSync(path.join(out, 'predict.json'), JSON.stringify({ candles: slice(1000, 500) }))
  const requests = Array.from({ length: 32 }, (_, i) => ({ candles: slice((i * 97) % (ibm.time.length - 500), 500) }))
  fs.writeFileSync(path.join(out, 'batch.json'), JSON.stringify({ requests }))
  console.log(`model ${trained.version} (${trained.modelType}); IBM sample ${ibm.time.length} candles`)
}
main().catch((e) => { console.error(e); process.exit(1) })
