// The label check at scale, in a fresh process: `node bench/memory/label_check.js <candles> [folds]`.
// A synthetic series is written as a CSV, its TA-Lib doji and engulfing spans (non-overlapping)
// become the "human" annotations, a tenth of them with the other label, and findLabelErrors
// ranks them. Prints one JSON line: issues returned, wall time and the process's peak RSS.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const engine = require('../..');
const { syntheticCandles } = require('../../__test__/helpers');

const n = Number(process.argv[2]);
const folds = Number(process.argv[3] || 3);
const status = (key) =>
  Number(
    /(\d+) kB/.exec(
      fs
        .readFileSync('/proc/self/status', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(key)),
    )[1],
  ) * 1024;

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'label-check-'));
  const c = syntheticCandles(n, 3);
  const csv = fs.openSync(path.join(dir, 'series.csv'), 'w');
  fs.writeSync(csv, 'time,open,high,low,close,volume\n');
  const chunk = [];
  for (let i = 0; i < n; i++) {
    chunk.push(`${c.time[i]},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
    if (chunk.length === 100000 || i === n - 1) fs.writeSync(csv, chunk.splice(0).join('\n') + '\n');
  }
  fs.closeSync(csv);
  const { spans } = await engine.autoLabel(c, { patterns: ['doji', 'engulfing'] });
  const records = [];
  let free = 0;
  for (let i = 0; i < spans.start.length; i++) {
    if (spans.start[i] < free) continue;
    free = spans.end[i] + 1;
    let label = spans.labels[spans.label[i]];
    if (records.length % 10 === 3) label = label === 'doji' ? 'engulfing' : 'doji';
    records.push({
      id: `s${records.length}`,
      symbol: 'SYN',
      start: spans.startTime[i],
      end: spans.endTime[i],
      label,
      source: 'human',
    });
  }
  fs.writeFileSync(path.join(dir, 'spans.json'), JSON.stringify({ annotations: records }));
  const config = {
    seed: 1,
    data: { series: [{ path: path.join(dir, 'series.csv'), symbol: 'SYN' }] },
    features: { geometry: true, indicators: false, patterns: false, lags: 2 },
    labels: { annotations: [path.join(dir, 'spans.json')], min_examples: 5 },
    dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(dir, 'dataset') },
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    model: { type: 'lightgbm', rounds: 20, learning_rate: 0.2, num_leaves: 15, threads: os.cpus().length },
    registry: { root: path.join(dir, 'models') },
  };
  const before = status('VmRSS:');
  const t0 = Date.now();
  const report = await engine.findLabelErrors({ config, rootDir: dir }, { folds });
  console.log(
    JSON.stringify({
      what: 'findLabelErrors',
      candles: n,
      humanSpans: records.length,
      issues: report.issues.rank.length,
      seconds: (Date.now() - t0) / 1000,
      rssBeforeMB: Math.round(before / 2 ** 20),
      peakRssMB: Math.round(status('VmHWM:') / 2 ** 20),
    }),
  );
  fs.rmSync(dir, { recursive: true, force: true });
})();
