// Writes the benchmark's inputs into a folder: series.f64 (close prices of N candles, a log-price
// Ornstein-Uhlenbeck walk around 100 that neither drifts to zero nor explodes) and query.f64 (M
// closes from another walk, so the series holds no exact copy). Both sides read the same files.
//   node bench/similar/make_data.js <dir> [N=10000000] [M=50]
const fs = require('node:fs');
const path = require('node:path');

function walk(n, seed) {
  let s = BigInt(seed);
  const mask = 0xffffffffffffffffn;
  const uniform = () => {
    s ^= (s << 13n) & mask;
    s ^= s >> 7n;
    s ^= (s << 17n) & mask;
    return Number(s >> 11n) / 2 ** 53;
  };
  const out = new Float64Array(n);
  const mean = Math.log(100);
  let x = mean;
  for (let i = 0; i < n; i++) {
    x += 1e-4 * (mean - x) + 0.004 * (uniform() - 0.5);
    out[i] = Math.exp(x);
  }
  return out;
}

const [dir, n = '10000000', m = '50'] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'series.f64'), walk(Number(n), 42));
fs.writeFileSync(path.join(dir, 'query.f64'), walk(Number(m) + 5000, 7).subarray(5000));
