// The engine through the addon (findSimilar, as the app calls it): best of REPEATS runs per
// configuration; prints one JSON line per configuration.
//   node bench/similar/engine.js <dir> [REPEATS=3]
const fs = require('node:fs');
const path = require('node:path');
const engine = require('../..');

const [dir, repeats = '3'] = process.argv.slice(2);
const read = (f) => {
  const b = fs.readFileSync(path.join(dir, f));
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
};
const close = read('series.f64');
const query = read('query.f64');
// The close channel reads only `close`; the other columns are never touched.
const asCandles = (c) => ({ time: c, open: c, high: c, low: c, close: c, volume: c });

const configs = [
  ['close, exact length', {}],
  ['close, stretch ±20 %', { stretch: 0.2 }],
  ['close, DTW band 10 %', { dtw: { band: 0.1 } }],
];

(async () => {
  for (const [name, options] of configs) {
    let best = Infinity;
    let cpu = Infinity;
    let result;
    for (let r = 0; r < Number(repeats); r++) {
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      result = await engine.findSimilar([{ candles: asCandles(query) }], [asCandles(close)], {
        ...options,
        maxResults: 10,
      });
      const used = process.cpuUsage(c0);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
      cpu = Math.min(cpu, (used.user + used.system) / 1e6);
    }
    console.log(
      JSON.stringify({
        name,
        seconds: best,
        cpuSeconds: cpu,
        candles: close.length,
        top: Array.from(result.start.slice(0, 10)),
        distance: Array.from(result.distance.slice(0, 10)),
      }),
    );
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
