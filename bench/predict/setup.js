// Trains a small model into a temp registry (argv[2]) and writes a 500-candle request body
// (argv[3]/predict.json) and a 32-item batch (argv[3]/batch.json), from the real samples.
const fs = require('node:fs')
const path = require('node:path')
const engine = require('../..')
const SMALL = require('../../__test__/fixtures/predict-small.json')

const ROOT = path.join(__dirname, '..', '..')
const [registry, out] = process.argv.slice(2)

async function main() {
  // The tests' small config (__test__/fixtures/predict-small.json) with a bench-sized model.
  const config = {
    ...SMALL,
    dataset: { ...SMALL.dataset, output_dir: path.join(registry, 'dataset') },
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
