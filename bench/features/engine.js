// One benchmark side: the engine's computeFeatures (the addon, in-process) on a candles file.
// Prints one JSON line: { candles, seconds, features, peakRssMb }.
const fs = require('node:fs');
const engine = require('../..');

function readCandles(file) {
  const buf = fs.readFileSync(file);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  const n = all.length / 6;
  const col = (k) => all.slice(k * n, (k + 1) * n);
  return { time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

function peakRssMb() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return Number(m[1]) / 1024;
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

// One gc() is not enough to free external buffers: V8 sweeps dead ArrayBuffers concurrently and
// finishes that sweep at the next GC, and Node runs the addon's finalizers (which free the
// memory) on a later turn of the event loop. Measured: with one gc() a run's peak held two
// frames (1.7 GB at 1M candles); with this, one (0.97 GB).
async function releaseGarbage() {
  if (!globalThis.gc) throw new Error('run with node --expose-gc');
  globalThis.gc();
  await nextTurn();
  globalThis.gc();
  await nextTurn();
}

async function main() {
  const candles = readCandles(process.argv[2]);
  // Small inputs take milliseconds: more runs make the best one meaningful.
  const repeats = Math.max(Number(process.argv[3] ?? 3), candles.close.length < 100_000 ? 20 : 0);
  let frame = await engine.computeFeatures(candles); // warm-up: page in the addon, size the thread pool
  let best = Infinity;
  let names = frame.names.length;
  for (let i = 0; i < repeats; i++) {
    // Let the previous frame's columns go first (as Python's reference does), so each run
    // measures the computation, not when V8 gets round to collecting 1 GB of external buffers.
    frame = undefined;
    await releaseGarbage();
    const t0 = process.hrtime.bigint();
    frame = await engine.computeFeatures(candles);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  console.log(
    JSON.stringify({ candles: candles.close.length, seconds: best, features: names, peakRssMb: peakRssMb() }),
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
