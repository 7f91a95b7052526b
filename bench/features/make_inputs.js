// Writes the benchmark inputs as raw float64 columns (time, open, high, low, close, volume):
// 1,000,000 synthetic candles (a deterministic random walk) and each real sample file.
const fs = require('node:fs');
const path = require('node:path');
const engine = require('../..');
const { syntheticCandles } = require('../../__test__/helpers');

const out = process.argv[2];
const rows = Number(process.env.ROWS ?? 1_000_000);
const write = (name, c) => {
  const n = c.close.length;
  const all = new Float64Array(6 * n);
  ['time', 'open', 'high', 'low', 'close', 'volume'].forEach((k, i) => all.set(c[k], i * n));
  fs.writeFileSync(path.join(out, name + '.f64'), Buffer.from(all.buffer));
};

async function main() {
  write(`synthetic_${rows}`, syntheticCandles(rows));
  const samples = path.join(__dirname, '..', '..', 'data', 'samples');
  for (const f of fs.readdirSync(samples).filter((f) => f.endsWith('.csv'))) {
    const { series } = await engine.importCsvFile(path.join(samples, f));
    write(path.basename(f, '.csv'), series[0].candles);
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
