// The inference contract: predict / predictBatch / modelInfo against models trained here on the
// real samples, in a temporary registry.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { className, engine, loadSample, rows, sliceCandles, syntheticCandles, rejection } = require('./helpers');

const ROOT = path.join(__dirname, '..');

const SMALL = require('./fixtures/predict-small.json');

/** The small, fast pipeline config shared with the route tests and bench/predict (two instruments, two patterns, few rounds), in `registry`. */
function smallConfig(registry, modelType = 'lightgbm') {
  return {
    ...SMALL,
    dataset: { ...SMALL.dataset, output_dir: path.join(registry, 'dataset') },
    model: modelType === 'xgboost' ? { type: modelType, rounds: 25, learning_rate: 0.1, max_depth: 4 } : SMALL.model,
    registry: { root: registry, name: 'test-patterns' },
  };
}

describe('predict / modelInfo / predictBatch', () => {
  let registry;
  let candles;
  let first;
  beforeAll(async () => {
    registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-predict-'));
    first = await engine.train({ config: smallConfig(registry), rootDir: ROOT });
    candles = await loadSample('ibm_daily.csv');
  }, 180_000);
  afterAll(() => fs.rmSync(registry, { recursive: true, force: true }));

  test('before any training: NO_MODEL', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-empty-'));
    const err = await rejection(engine.predict(sliceCandles(candles, 0, 500), { registry: empty }));
    expect(err.code).toBe('NO_MODEL');
    fs.rmSync(empty, { recursive: true });
  });

  test('spans with confidences on an unseen instrument, mapped to its candles', async () => {
    const c = sliceCandles(candles, 1000, 1500);
    const p = await engine.predict(c, { registry, perCandle: true });
    expect(p.model).toEqual({
      name: 'test-patterns',
      version: first.version,
      type: 'lightgbm',
      trainedAt: expect.any(String),
    });
    expect(p.spans.labels.sort()).toEqual(['doji', 'engulfing']);
    const types = Object.fromEntries(Object.entries(p.spans).map(([k, v]) => [k, className(v)]));
    expect(types).toEqual({
      labels: 'Array',
      start: 'Uint32Array',
      end: 'Uint32Array',
      startTime: 'Float64Array',
      endTime: 'Float64Array',
      label: 'Uint16Array',
      confidence: 'Float64Array',
    });
    const spans = rows(p.spans);
    expect(spans.length).toBeGreaterThan(5);
    for (const s of spans) {
      expect(['engulfing', 'doji']).toContain(s.label);
      expect(s.start).toBeLessThanOrEqual(s.end);
      expect(s.end).toBeLessThan(500);
      expect(s.startTime).toBe(c.time[s.start]);
      expect(s.endTime).toBe(c.time[s.end]);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    const pc = p.perCandle;
    expect(pc.classNames[0]).toBe('O');
    expect(pc.probabilities).toHaveLength(pc.classNames.length);
    for (const column of pc.probabilities) {
      expect(className(column)).toBe('Float64Array');
      expect(column).toHaveLength(500);
    }
    const predicted = [...Array(500).keys()].filter((i) => !Number.isNaN(pc.probabilities[0][i]));
    expect(predicted.length).toBeGreaterThan(400);
    for (const i of predicted) {
      expect(pc.probabilities.reduce((sum, column) => sum + column[i], 0)).toBeCloseTo(1, 6);
      expect(pc.entropy[i]).toBeGreaterThanOrEqual(0);
      expect(pc.margin[i]).toBeGreaterThanOrEqual(0);
    }
    // Inside the feature warm-up: no prediction.
    expect(pc.probabilities.every((column) => Number.isNaN(column[0]))).toBe(true);
    expect(Number.isNaN(pc.entropy[0]) && Number.isNaN(pc.margin[0])).toBe(true);
  });

  test('minConfidence and labels filter; the same request gives the same answer', async () => {
    const c = sliceCandles(candles, 2000, 2600);
    const all = await engine.predict(c, { registry });
    const confident = await engine.predict(c, { registry, minConfidence: 0.6 });
    expect(confident.spans.confidence.every((x) => x >= 0.6)).toBe(true);
    expect(confident.spans.start.length).toBeLessThanOrEqual(all.spans.start.length);
    const doji = await engine.predict(c, { registry, labels: ['doji'] });
    expect(rows(doji.spans).every((s) => s.label === 'doji')).toBe(true);
    expect(await engine.predict(c, { registry })).toEqual(all);
  });

  test('a focus gives the spans over its candles that scoring them all gives, and per-candle values there', async () => {
    // A dataset range read with context around it, as /api/predict reads one: 1,100 candles, the
    // middle 500 asked for.
    const c = sliceCandles(candles, 2000, 3100);
    const focus = { start: 300, count: 500 };
    const all = await engine.predict(c, { registry, perCandle: true });
    const focused = await engine.predict(c, { registry, perCandle: true, focus });
    const overlapping = rows(all.spans).filter((s) => s.end >= focus.start && s.start < focus.start + focus.count);
    expect(overlapping.length).toBeGreaterThan(10);
    expect(rows(focused.spans)).toEqual(overlapping);
    const within = (column) => Array.from(column.subarray(focus.start, focus.start + focus.count));
    expect(within(focused.perCandle.margin)).toEqual(within(all.perCandle.margin));
    // Candles far from the focus are not scored.
    expect(Number.isNaN(focused.perCandle.margin[1099 - 100])).toBe(true);
    // Past the candles: an argument out of range; not a focus at all: the options are malformed.
    const past = await rejection(engine.predict(c, { registry, focus: { start: 1000, count: 101 } }));
    expect([past.code, past.message]).toEqual([
      'INVALID_ARGUMENT',
      expect.stringContaining('outside the 1100 candles'),
    ]);
    for (const bad of [{ start: -1, count: 5 }, { start: 0 }, { start: 0, count: 1, end: 2 }, { start: 1.5, count: 1 }])
      expect((await rejection(engine.predict(c, { registry, focus: bad }))).code).toBe('INVALID_CONFIG');
  });

  test('modelInfo: labels, features, per-class validation and test metrics', async () => {
    const info = await engine.modelInfo('champion', registry);
    expect(info.version).toBe(first.version);
    expect(info.aliases).toContain('champion');
    expect(info.labels.sort()).toEqual(['doji', 'engulfing']);
    expect(info.featureNames).toContain('rsi14');
    expect(info.minCandles).toBeGreaterThan(40);
    expect(info.summary.validationMacroF1).toBeGreaterThan(0);
    expect(info.metrics.validation).toBeDefined();
    expect(info.plots.some((p) => p.endsWith('.svg'))).toBe(true);
    const unknown = await rejection(engine.modelInfo('v0999', registry));
    expect(unknown.code).toBe('MODEL_NOT_FOUND');
  });

  test('modelRequirements: the version a name serves and the candles its predictions need', async () => {
    const info = await engine.modelInfo('champion', registry);
    expect(await engine.modelRequirements('champion', registry)).toEqual({
      version: info.version,
      minCandles: info.minCandles,
    });
    expect(await engine.modelRequirements(undefined, registry)).toEqual(
      await engine.modelRequirements('champion', registry),
    );
    // Exactly the candles predict needs: one fewer is refused, that many answer.
    const enough = sliceCandles(candles, 0, info.minCandles);
    expect((await rejection(engine.predict(sliceCandles(candles, 0, info.minCandles - 1), { registry }))).code).toBe(
      'TOO_FEW_CANDLES',
    );
    expect((await engine.predict(enough, { registry })).model.version).toBe(info.version);
    expect((await rejection(engine.modelRequirements('v0999', registry))).code).toBe('MODEL_NOT_FOUND');
  });

  test('too few candles says how many are needed; bad input is coded', async () => {
    const info = await engine.modelInfo(undefined, registry);
    const err = await rejection(engine.predict(sliceCandles(candles, 0, 30), { registry }));
    expect(err.code).toBe('TOO_FEW_CANDLES');
    expect(err.message).toContain(`at least ${info.minCandles}`);
    const c = sliceCandles(candles, 0, 300);
    c.close[100] = NaN;
    expect((await rejection(engine.predict(c, { registry }))).code).toBe('INVALID_CANDLES');
    expect((await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, minConfidence: 2 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, bogus: 1 }))).code).toBe(
      'INVALID_CONFIG',
    );
    expect(
      (await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, labels: ['bullflag'] }))).code,
    ).toBe('INVALID_ARGUMENT');
    // A column of another typed array: the message names the column and what it got.
    const wrongKind = { ...sliceCandles(candles, 0, 300), volume: new Int32Array(300) };
    const kind = await rejection(engine.predict(wrongKind, { registry }));
    expect(kind.code).toBe('INVALID_ARGUMENT');
    expect(kind.message).toContain('candles.volume: expected a Float64Array');
    expect(kind.message).toContain('Int32Array');
    const missing = { ...sliceCandles(candles, 0, 300), high: undefined };
    expect((await rejection(engine.predict(missing, { registry }))).message).toContain('candles.high: is missing');
  });

  test('predictBatch: one result per request, errors per item', async () => {
    const ok = sliceCandles(candles, 100, 600);
    const results = await engine.predictBatch([
      { candles: ok, options: { registry } },
      { candles: sliceCandles(candles, 0, 10), options: { registry } },
      { candles: sliceCandles(candles, 700, 1200), options: { registry, minConfidence: 0.5 } },
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual(await engine.predict(ok, { registry }));
    expect(results[1].error.code).toBe('TOO_FEW_CANDLES');
    expect(results[2].spans.confidence.every((x) => x >= 0.5)).toBe(true);
  });

  test('predictBatch: a malformed request fails alone, with a code', async () => {
    const ok = sliceCandles(candles, 100, 600);
    const results = await engine.predictBatch([
      { candles: ok, options: { registry } },
      { candles: { time: [1, 2, 3] }, options: { registry } },
      'not a request',
      { candles: ok, options: { registry, minConfidence: NaN } },
      { candles: ok, options: [registry] },
    ]);
    expect(results[0]).toEqual(await engine.predict(ok, { registry }));
    expect(results.slice(1).map((r) => r.error.code)).toEqual([
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_CONFIG',
      'INVALID_ARGUMENT',
    ]);
    expect(results[1].error.message).toContain('requests[1].candles');
    expect((await rejection(engine.predictBatch({ candles: ok }))).code).toBe('INVALID_ARGUMENT');
  });

  test('per-candle output over 200k candles and a 200 x 1,000 batch come back whole', async () => {
    const big = syntheticCandles(200000, 11);
    const p = await engine.predict(big, { registry, perCandle: true });
    expect(p.perCandle.entropy).toHaveLength(200000);
    expect(p.perCandle.probabilities.every((column) => column.length === 200000)).toBe(true);
    const requests = Array.from({ length: 200 }, (_, i) => ({
      candles: sliceCandles(big, i * 1000, (i + 1) * 1000),
      options: { registry, perCandle: true },
    }));
    const results = await engine.predictBatch(requests);
    expect(results).toHaveLength(200);
    for (const r of results) expect(r.perCandle.margin).toHaveLength(1000);
  }, 120_000);

  test('concurrent calls are safe and agree', async () => {
    const c = sliceCandles(candles, 1500, 2000);
    const expected = await engine.predict(c, { registry });
    const many = await Promise.all(Array.from({ length: 16 }, () => engine.predict(c, { registry })));
    for (const p of many) expect(p).toEqual(expected);
  });

  test('worker threads: each loads the addon, and one ended with predictions in flight takes nothing down', () => {
    // In a process of its own: a crash would otherwise end Jest's. The first worker to load the
    // addon is its allocator's first thread (the process's main thread loads it only at the
    // end); mimalloc v3.3 segfaulted the next thread's first allocation once that worker had
    // exited (docs/decisions.md).
    const script = `
      const { Worker } = require('node:worker_threads');
      const candles = ${JSON.stringify(Object.fromEntries(Object.entries(sliceCandles(candles, 1000, 1500)).map(([k, v]) => [k, Array.from(v)])))};
      const options = { registry: ${JSON.stringify(registry)} };
      const worker = \`
        const engine = require(${JSON.stringify(ROOT)});
        const { parentPort, workerData } = require('node:worker_threads');
        const columns = Object.fromEntries(Object.entries(workerData.candles).map(([k, v]) => [k, Float64Array.from(v)]));
        for (let i = 0; i < 32; i++) engine.predict(columns, workerData.options).catch(() => {});
        parentPort.postMessage('predicting');
      \`;
      (async () => {
        for (let round = 0; round < 4; round++) {
          const w = new Worker(worker, { eval: true, workerData: { candles, options } });
          await new Promise((resolve) => w.once('message', resolve));
          await w.terminate();
        }
        // Loaded here only now: the workers were the addon's first threads.
        const engine = require(${JSON.stringify(ROOT)});
        const columns = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from(v)]));
        const p = await engine.predict(columns, options);
        console.log(JSON.stringify({ spans: p.spans.start.length }));
      })();
    `;
    const run = require('node:child_process').spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    expect(JSON.parse(run.stdout).spans).toBeGreaterThan(0);
  });

  test('moving champion changes what predict serves, with no restart', async () => {
    const c = sliceCandles(candles, 1500, 2000);
    const second = await engine.train({ config: smallConfig(registry, 'xgboost'), rootDir: ROOT });
    expect(second.version).not.toBe(first.version);
    await engine.promote(second.version, registry);
    const now = await engine.predict(c, { registry });
    expect(now.model.version).toBe(second.version);
    expect(now.model.type).toBe('xgboost');
    await engine.promote(first.version, registry);
    expect((await engine.predict(c, { registry })).model.version).toBe(first.version);
    const listed = await engine.listModels(registry);
    expect(listed.map((v) => v.version)).toEqual([first.version, second.version]);
    expect(listed[0].aliases).toContain('champion');
  }, 120_000);

  test('a corrupt model file is CORRUPT_MODEL and the process keeps serving', async () => {
    const c = sliceCandles(candles, 1500, 2000);
    // Versions are immutable, so a loaded one is served from memory: corrupt a copy of the
    // registry, which this process has never loaded from.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-corrupt-'));
    fs.cpSync(registry, copy, { recursive: true });
    const dir = path.join(copy, 'versions', first.version);
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, card.modelFile), 'tree\nversion=v4\nnot a model at all');
    const err = await rejection(engine.predict(c, { registry: copy, model: first.version }));
    expect(err.code).toBe('CORRUPT_MODEL');
    fs.rmSync(copy, { recursive: true, force: true });
    const still = await engine.predict(c, { registry });
    expect(still.spans.start.length).toBeGreaterThan(0);
  });

  test('a damaged champion: the newest intact version answers, and predict and modelInfo say so', async () => {
    const c = sliceCandles(candles, 1500, 2000);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-fallback-'));
    fs.cpSync(registry, copy, { recursive: true });
    const versions = fs.readdirSync(path.join(copy, 'versions')).sort();
    const [older, newest] = versions.slice(-2);
    await engine.promote(newest, copy);
    const dir = path.join(copy, 'versions', newest);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"format": 1, "version": ');
    const p = await engine.predict(c, { registry: copy });
    expect(p.model.version).toBe(older);
    expect(p.fallback).toEqual({
      requested: 'champion',
      unavailableVersion: newest,
      code: 'CORRUPT_MODEL',
      reason: expect.any(String),
      servedVersion: older,
    });
    expect(p.fallback.reason).not.toContain(copy);
    expect((await engine.modelInfo('champion', copy)).fallback.servedVersion).toBe(older);
    const needs = await engine.modelRequirements('champion', copy);
    expect(needs.version).toBe(older);
    expect(needs.fallback).toEqual(p.fallback);
    // An intact champion carries no fallback field at all.
    expect('fallback' in (await engine.predict(c, { registry }))).toBe(false);
    expect((await rejection(engine.predict(c, { registry: copy, model: newest }))).code).toBe('CORRUPT_MODEL');
    fs.rmSync(copy, { recursive: true, force: true });
  });
});
