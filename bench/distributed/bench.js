// The distributed-training benchmark (bench/distributed/run.sh): one dataset, trained by one
// process (the reference), then by 1, 2 and 3 workers on loopback, each worker under a memory
// cap the benchmark sets below what one process needs for the whole dataset. Prints wall time and
// peak RSS per worker, the per-candle cost, and what a 1.3-billion-candle run needs from it.
//
//   node bench/distributed/bench.js <work dir>           (the benchmark)
//   node bench/distributed/bench.js --single <config>    (internal: the reference run, one process)
//
// Env: CANDLES (default 1200000 in all), SERIES (6), ROUNDS (20), CAP_FRACTION (0.7: the cap as a
// share of the reference's peak RSS), WORKERS ("1 2 3").
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { walk } = require('../lib/synthetic');

const ROOT = path.join(__dirname, '..', '..');
const WORKER = path.join(ROOT, 'scripts', 'worker.js');
const MiB = 1024 * 1024;

const peakRss = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;

if (process.argv[2] === '--single') {
  // The reference: the whole dataset in this one process.
  const engine = require('../..');
  const config = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const t0 = Date.now();
  engine
    .train({ config, rootDir: ROOT })
    .then((o) => {
      const seconds = (Date.now() - t0) / 1000;
      process.stdout.write(JSON.stringify({ seconds, peakRssBytes: peakRss(), rows: o.rows, metrics: o.metrics }));
    })
    .catch((e) => {
      process.stderr.write(`[${e.code}] ${e.message}\n`);
      process.exit(1);
    });
  return;
}

const work = process.argv[2];
const CANDLES = Number(process.env.CANDLES || 1_200_000);
const SERIES = Number(process.env.SERIES || 6);
const ROUNDS = Number(process.env.ROUNDS || 20);
const CAP_FRACTION = Number(process.env.CAP_FRACTION || 0.7);
const WORKER_COUNTS = (process.env.WORKERS || '1 2 3').split(/\s+/).filter(Boolean).map(Number);

function writeData() {
  fs.mkdirSync(path.join(work, 'candles'), { recursive: true });
  const per = Math.ceil(CANDLES / SERIES);
  return Array.from({ length: SERIES }, (_, i) => {
    const file = path.join(work, 'candles', `S${i}.csv`);
    fs.writeFileSync(file, walk(per, 2000 + i, Date.UTC(2021, 0, 1)));
    return { path: file, symbol: `S${i}`, timeframe: '1m' };
  });
}

function config(series, dir, distributed) {
  return {
    seed: 7,
    data: { series },
    features: { geometry: true, indicators: true, patterns: false, lags: 2 },
    labels: { talib: { patterns: ['engulfing', 'harami', 'doji', 'hammer'] }, min_examples: 10 },
    dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(dir, 'dataset') },
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    balance: { mode: 'class_weights', max_weight: 20 },
    model: { type: 'lightgbm', rounds: ROUNDS, learning_rate: 0.1, num_leaves: 31, min_samples_leaf: 20, threads: 1 },
    registry: { root: path.join(dir, 'models') },
    ...(distributed ? { distributed } : {}),
  };
}

const portFree = (port) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

async function freeBase(n) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = (await portFree(base + i)) && (await portFree(base + 100 + i));
    if (ok) return base;
  }
  throw new Error('no free ports');
}

function startWorker(port, capMb) {
  const child = spawn(process.execPath, [WORKER, '--port', String(port), '--once', '--memory-cap-mb', String(capMb)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.log = '';
  child.stdout.on('data', (d) => (child.log += d));
  child.stderr.on('data', (d) => (child.log += d));
  child.done = new Promise((resolve) => child.on('exit', resolve));
  return child;
}

async function distributedRun(engine, series, n, capMb) {
  const base = await freeBase(n);
  const workers = Array.from({ length: n }, (_, i) => startWorker(base + i, capMb));
  const deadline = Date.now() + 30_000;
  while (!workers.every((w) => w.log.includes('listening on'))) {
    if (Date.now() > deadline) throw new Error(`workers did not start:\n${workers.map((w) => w.log).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const dir = path.join(work, `run-${n}`);
  const t0 = Date.now();
  let outcome = null;
  let error = null;
  try {
    outcome = await engine.train({
      config: config(series, dir, { workers: n, port_base: base, heartbeat_timeout_s: 120 }),
      rootDir: ROOT,
    });
  } catch (e) {
    error = e;
  }
  const seconds = (Date.now() - t0) / 1000;
  workers.forEach((w) => w.kill('SIGTERM'));
  await Promise.all(workers.map((w) => w.done));
  fs.rmSync(dir, { recursive: true, force: true });
  return { n, seconds, outcome, error, logs: workers.map((w) => w.log) };
}

const mb = (bytes) => Math.round(bytes / MiB);

async function main() {
  const series = writeData();
  const engine = require('../..');
  console.log(
    `machine: ${require('node:os').cpus().length} cores, load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  console.log(
    `dataset: ${SERIES} series x ${Math.ceil(CANDLES / SERIES).toLocaleString()} one-minute candles; ${ROUNDS} rounds, 1 thread per process\n`,
  );

  // The reference: one process, the whole dataset.
  const refDir = path.join(work, 'single');
  const refConfig = path.join(work, 'single.json');
  fs.writeFileSync(refConfig, JSON.stringify(config(series, refDir)));
  const t0 = Date.now();
  const ref = JSON.parse(
    execFileSync(process.execPath, [__filename, '--single', refConfig], { cwd: ROOT, maxBuffer: 1 << 26 }),
  );
  fs.rmSync(refDir, { recursive: true, force: true });
  const capMb = Math.round((mb(ref.peakRssBytes) * CAP_FRACTION) / 10) * 10;
  console.log(
    `reference (1 process, no workers): ${ref.seconds.toFixed(1)} s, peak RSS ${mb(ref.peakRssBytes)} MiB (${((Date.now() - t0) / 1000).toFixed(0)} s with start-up)`,
  );
  console.log(
    `memory cap per worker: ${capMb} MiB (${CAP_FRACTION} x the reference's peak): the dataset does not fit one worker\n`,
  );

  const runs = [];
  for (const n of WORKER_COUNTS) {
    process.stderr.write(`${n} worker(s) ...\n`);
    runs.push(await distributedRun(engine, series, n, capMb));
  }

  const header = [
    'workers',
    'wall s',
    'prepare s',
    'build s',
    'fit s',
    's/round',
    'peak RSS per worker MiB',
    'candles/worker',
    'result',
  ];
  console.log(
    `${header[0].padEnd(8)} ${header[1].padStart(7)} ${header[2].padStart(9)} ${header[3].padStart(7)} ${header[4].padStart(6)} ${header[5].padStart(7)}  ${header[6].padEnd(26)} ${header[7].padStart(14)}  ${header[8]}`,
  );
  const points = []; // (candles on a worker, its peak RSS)
  for (const r of runs) {
    const d = r.outcome?.distributed;
    const peaks = d ? d.workers.map((w) => mb(w.peakRssBytes)) : [];
    const candles = d ? Math.max(...d.workers.map((w) => w.candles)) : Math.ceil(CANDLES / r.n);
    if (d) d.workers.forEach((w) => points.push([w.candles, w.peakRssBytes]));
    const result = r.outcome
      ? `published ${r.outcome.version}, validation macro-F1 ${r.outcome.metrics.validationMacroF1.toFixed(4)}`
      : `[${r.error.code}] ${r.error.message.replace(/\s+/g, ' ').slice(0, 140)}`;
    console.log(
      `${String(r.n).padEnd(8)} ${r.seconds.toFixed(1).padStart(7)} ${(d ? d.prepareSeconds.toFixed(1) : '-').padStart(9)} ${(d ? d.buildSeconds.toFixed(1) : '-').padStart(7)} ${(d ? d.fitSeconds.toFixed(1) : '-').padStart(6)} ${(d ? d.secondsPerRound.toFixed(2) : '-').padStart(7)}  ${(peaks.length ? peaks.join(' / ') : `> ${capMb} (cap)`).padEnd(26)} ${candles.toLocaleString().padStart(14)}  ${result}`,
    );
  }
  console.log(
    `reference: 1 process ${ref.seconds.toFixed(1)} s, ${mb(ref.peakRssBytes)} MiB, validation macro-F1 ${ref.metrics.validationMacroF1.toFixed(4)}\n`,
  );

  if (points.length) {
    // Peak RSS per candle of every worker and of the reference; the largest plans a big run
    // (the peak is not linear in the candles: its stage and the process's fixed part vary).
    const perCandle = points.map(([candles, bytes]) => bytes / candles);
    const refPerCandle = ref.peakRssBytes / CANDLES;
    const bytesPerCandle = Math.max(refPerCandle, ...perCandle);
    const best = runs.filter((r) => r.outcome).at(-1);
    const d = best.outcome.distributed;
    const most = Math.max(...d.workers.map((w) => w.candles));
    const prepPerCandle = (d.prepareSeconds + d.buildSeconds) / most;
    const fitPerCandleRound = d.secondsPerRound / most;
    console.log(
      `peak RSS per candle: ${(refPerCandle / 1024).toFixed(2)} KiB (reference), ` +
        `${(Math.min(...perCandle) / 1024).toFixed(2)}..${(Math.max(...perCandle) / 1024).toFixed(2)} KiB (workers)`,
    );
    console.log(
      `time per candle (${best.n} workers, the slowest): ${(prepPerCandle * 1e6).toFixed(1)} µs to import, featurise, ` +
        `label and build; ${(fitPerCandleRound * 1e9).toFixed(1)} ns per boosting round (1 thread each; the first ` +
        `round, with the network set-up and the binned datasets: ${d.firstRoundSeconds.toFixed(1)} s)`,
    );
    const total = 1.3e9;
    for (const memGiB of [64, 256]) {
      const usable = memGiB * 0.8 * 1024 * MiB;
      console.log(
        `1.3 billion candles: ${((total * bytesPerCandle) / 1024 ** 4).toFixed(2)} TiB of worker memory in all; ` +
          `${Math.ceil((total * bytesPerCandle) / usable)} workers with ${memGiB} GiB each (80 % usable)`,
      );
    }
    console.log(
      JSON.stringify({
        bytesPerCandle,
        prepSecondsPerCandle: prepPerCandle,
        fitSecondsPerCandleRound: fitPerCandleRound,
      }),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
