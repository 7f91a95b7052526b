// One measurement in a fresh process: `node bench/memory/measure.js <what> <candles> [registry]`.
// Prints one JSON line: wall time, the process's peak RSS (VmHWM), its RSS before the call
// (Node, the addon and the input candles), and the size of the result's own arrays.
const fs = require('node:fs');
const path = require('node:path');
const engine = require('../..');
const { syntheticCandles } = require('../../__test__/helpers');

const [what, nText, registry] = process.argv.slice(2);
const n = Number(nText);
const status = (key) =>
  Number(
    /(\d+) kB/.exec(
      fs
        .readFileSync('/proc/self/status', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(key)),
    )[1],
  ) * 1024;
const MB = 1024 * 1024;

/**
 * Bytes held by the typed arrays of a result (columns, spans, per-candle output), each buffer
 * counted once: a feature's lags are views into its own buffer.
 */
function arrayBytes(v, seen = new Set()) {
  if (ArrayBuffer.isView(v)) {
    if (seen.has(v.buffer)) return 0;
    seen.add(v.buffer);
    return v.buffer.byteLength;
  }
  if (Array.isArray(v)) return v.reduce((s, x) => s + arrayBytes(x, seen), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((s, x) => s + arrayBytes(x, seen), 0);
  return 0;
}

(async () => {
  const candles = syntheticCandles(n, 7);
  const before = status('VmRSS:');
  const t0 = process.hrtime.bigint();
  let result;
  if (what === 'features') result = await engine.computeFeatures(candles);
  else if (what === 'autolabel') result = await engine.autoLabel(candles);
  else if (what === 'predict') result = await engine.predict(candles, { registry });
  else if (what === 'predict-per-candle') result = await engine.predict(candles, { registry, perCandle: true });
  else if (what === 'predict-batch') {
    const parts = 100;
    const size = Math.floor(n / parts);
    const requests = Array.from({ length: parts }, (_, i) => ({
      candles: Object.fromEntries(Object.entries(candles).map(([k, c]) => [k, c.subarray(i * size, (i + 1) * size)])),
      options: { registry, perCandle: true },
    }));
    result = await engine.predictBatch(requests);
  } else throw new Error(`unknown measurement ${what}`);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = status('VmHWM:');
  const output = arrayBytes(result);
  const spans = result.spans ? result.spans.start.length : undefined;
  console.log(
    JSON.stringify({
      what,
      candles: n,
      seconds: +seconds.toFixed(1),
      rssBeforeMB: Math.round(before / MB),
      peakRssMB: Math.round(peak / MB),
      outputMB: Math.round(output / MB),
      peakOverOutput: output ? +(peak / output).toFixed(2) : null,
      spans,
      registry: registry ? path.basename(registry) : undefined,
    }),
  );
})();
