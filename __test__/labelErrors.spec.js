// The label-error finder's JS contract: engine.findLabelErrors on a real sample, with human
// spans taken from TA-Lib's dojis and engulfings and a few deliberately mislabelled, off the JS
// thread, with progress, cancel and coded errors.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { className, engine, lastEvent, loadSample, rejection, rows } = require('./helpers');

const ROOT = path.join(__dirname, '..');

function config(dir, spansFile) {
  return {
    seed: 3,
    data: { series: [{ path: 'data/samples/msft_daily.csv', symbol: 'MSFT' }] },
    features: { geometry: true, indicators: false, patterns: false, lags: 2 },
    labels: { annotations: [spansFile], min_examples: 5 },
    dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(dir, 'dataset') },
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    balance: { mode: 'class_weights', max_weight: 20 },
    // One thread: OpenMP's spinning workers lose badly to a busy machine (19 s vs 2 s here).
    model: { type: 'lightgbm', rounds: 30, learning_rate: 0.1, num_leaves: 15, min_samples_leaf: 10, threads: 1 },
    registry: { root: path.join(dir, 'models') },
  };
}

describe('engine.findLabelErrors', () => {
  let dir;
  let cfg;
  let flipped;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-label-errors-'));
    const candles = await loadSample('msft_daily.csv');
    const spans = rows((await engine.autoLabel(candles, { patterns: ['doji', 'engulfing'] })).spans);
    // Non-overlapping spans, as a person would draw them; every 10th gets the other label.
    const taken = new Set();
    const records = [];
    flipped = new Set();
    for (const s of spans) {
      const candlesOf = Array.from({ length: s.end - s.start + 1 }, (_, i) => s.start + i);
      if (candlesOf.some((c) => taken.has(c))) continue;
      candlesOf.forEach((c) => taken.add(c));
      const id = `a${records.length}`;
      let label = s.label;
      if (records.length % 10 === 3) {
        label = label === 'doji' ? 'engulfing' : 'doji';
        flipped.add(id);
      }
      records.push({ id, symbol: 'MSFT', start: s.startTime, end: s.endTime, label, source: 'human' });
    }
    const spansFile = path.join(dir, 'spans.json');
    fs.writeFileSync(spansFile, JSON.stringify({ annotations: records }));
    cfg = config(dir, spansFile);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('ranks the flipped spans first, with progress, off the JS thread', async () => {
    const events = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const report = await engine.findLabelErrors({ config: cfg, rootDir: ROOT }, { folds: 3 }, (p) => events.push(p));
    clearInterval(timer);
    await lastEvent(events, { stage: 'rank', fraction: 1 });
    expect(ticks).toBeGreaterThan(0);
    expect(report.folds).toBe(3);
    expect(report.modelType).toBe('lightgbm');
    expect(Object.keys(report.thresholds).sort()).toEqual(['background', 'doji', 'engulfing']);
    // Issues come as columns: typed arrays for numbers, arrays for text.
    expect(className(report.issues.selfConfidence)).toBe('Float64Array');
    expect(className(report.issues.rank)).toBe('Uint32Array');
    expect(className(report.issues.likelyError)).toBe('Uint8Array');
    expect(className(report.issues.label)).toBe('Array');
    const issues = rows(report.issues);
    expect(issues.map((i) => i.rank)).toEqual(issues.map((_, i) => i + 1));
    const scores = issues.map((i) => i.selfConfidence);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const top = issues.slice(0, flipped.size);
    const hits = top.filter((i) => flipped.has(i.id)).length;
    expect(hits / flipped.size).toBeGreaterThanOrEqual(0.6);
    const first = issues[0];
    expect(first).toEqual(expect.objectContaining({ series: 'MSFT', source: 'human', likelyError: 1 }));
    expect(first.suggestedLabel).not.toBe(first.label);
    expect(new Date(first.startTime).getTime()).toBeGreaterThan(0);
    expect(events.map((e) => e.stage)).toEqual(
      expect.arrayContaining(['load', 'features', 'labels', 'dataset', 'folds', 'rank']),
    );
    expect(events.at(-1)).toEqual({ stage: 'rank', fraction: 1 });
  });

  test('bad folds, a cancelled run and a config without human spans are coded errors', async () => {
    expect((await rejection(engine.findLabelErrors({ config: cfg, rootDir: ROOT }, { folds: 1 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await rejection(engine.findLabelErrors({ config: cfg, rootDir: ROOT }, { fold: 3 }))).code).toBe(
      'INVALID_CONFIG',
    );
    const token = new engine.CancelToken();
    token.cancel();
    expect((await rejection(engine.findLabelErrors({ config: cfg, rootDir: ROOT }, {}, undefined, token))).code).toBe(
      'CANCELLED',
    );
    const talibOnly = { ...cfg, labels: { talib: { patterns: ['doji'] }, min_examples: 5 } };
    expect((await rejection(engine.findLabelErrors({ config: talibOnly, rootDir: ROOT }))).code).toBe(
      'INVALID_ANNOTATIONS',
    );
  });
});
