/**
 * findSimilar: query-by-example pattern search. A real double top (IBM, 2002-11-11..2003-01-29)
 * planted, scaled, into another real series comes back first, as typed-array columns, with the
 * labelling-function report; progress, cancellation and bad input behave like train's.
 */
const { engine, lastEvent, loadSample, rejection, syntheticCandles } = require('./helpers');

const isTyped = (x, name) => Object.prototype.toString.call(x) === `[object ${name}]`;
const dayMs = (iso) => Date.parse(`${iso}T00:00:00Z`);

let ibm;
let aapl;
let span;

/** Copies candles start..=end of `from` into `into` at `at`, moves scaled by `amplitude` around the local price. */
function plant(into, at, from, start, end, amplitude) {
  const level = into.close[at - 1];
  const base = from.open[start];
  const map = (v) => level * (1 + amplitude * (v / base - 1));
  for (let i = 0; i <= end - start; i++) {
    for (const k of ['open', 'high', 'low', 'close']) into[k][at + i] = map(from[k][start + i]);
    into.volume[at + i] = from.volume[start + i];
  }
}

beforeAll(async () => {
  ibm = await loadSample('ibm_daily.csv');
  aapl = await loadSample('aapl_daily.csv');
  span = { target: 0, start: ibm.time.indexOf(dayMs('2002-11-11')), end: ibm.time.indexOf(dayMs('2003-01-29')) };
  expect(span.start).toBeGreaterThan(0);
  expect(span.end - span.start + 1).toBe(54);
  plant(aapl, 2000, ibm, span.start, span.end, 1.8);
});

describe('findSimilar', () => {
  test('finds the planted copy first; results are ranked, non-overlapping typed-array columns', async () => {
    const progress = [];
    const result = await engine.findSimilar([span], [ibm, aapl], { maxResults: 10, label: 'double top' }, (p) =>
      progress.push(p),
    );
    for (const k of ['target', 'start', 'end', 'example']) expect(isTyped(result[k], 'Uint32Array')).toBe(true);
    for (const k of ['distance', 'similarity']) expect(isTyped(result[k], 'Float64Array')).toBe(true);
    expect(result.start.length).toBe(10);
    expect([result.target[0], result.start[0], result.end[0]]).toEqual([1, 2000, 2053]);
    expect(result.similarity[0]).toBeGreaterThan(0.9999);
    expect(result.distance[0]).toBeLessThan(0.05);
    for (let i = 1; i < 10; i++) expect(result.similarity[i]).toBeLessThanOrEqual(result.similarity[i - 1]);
    // No result overlaps another, nor the example itself.
    const spans = [...result.start].map((s, i) => ({ t: result.target[i], s, e: result.end[i] }));
    for (const a of spans) {
      expect(a.t === 0 && a.s <= span.end && span.start <= a.e).toBe(false);
      for (const b of spans) if (a !== b && a.t === b.t) expect(a.e < b.s || b.e < a.s).toBe(true);
    }
    expect(result.report).toMatchObject({ label: 'double top', count: 10 });
    expect(result.report.perTarget).toHaveLength(2);
    expect(result.stats).toMatchObject({ candles: ibm.close.length + aapl.close.length, lengths: [[54]] });
    // Every event says 'search', rising to 1 (the last may run after the promise settles).
    await lastEvent(progress, { stage: 'search', fraction: 1 });
    expect(progress.every((p) => p.stage === 'search')).toBe(true);
    expect(progress.at(-1).fraction).toBe(1);
  });

  test('stretch, OHLCV channels, DTW and candles of its own as the example', async () => {
    const own = {};
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume']) own[k] = ibm[k].slice(span.start, span.end + 1);
    for (const options of [{ stretch: 0.2 }, { channels: 'ohlcv' }, { dtw: { band: 0.1 } }]) {
      const r = await engine.findSimilar([{ candles: own }], [aapl], { ...options, maxResults: 3 });
      expect([r.target[0], r.start[0]]).toEqual([0, 2000]);
      expect(r.similarity[0]).toBeGreaterThan(0.99);
    }
  });

  test('runs off the JS thread and stops with CANCELLED', async () => {
    const big = syntheticCandles(300_000, 7);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    await engine.findSimilar([{ target: 0, start: 1000, end: 1049 }], [big], { stretch: 0.1 });
    clearInterval(timer);
    if (Date.now() - started > 100) expect(ticks).toBeGreaterThan(2);

    const token = new engine.CancelToken();
    token.cancel();
    const err = await rejection(engine.findSimilar([{ target: 0, start: 0, end: 49 }], [big], {}, undefined, token));
    expect(err.code).toBe('CANCELLED');

    // An AbortSignal (what a route gets as request.signal), aborted while the search runs.
    const controller = new AbortController();
    const running = engine.findSimilar(
      [{ target: 0, start: 1000, end: 1049 }],
      [big],
      { stretch: 0.2, dtw: { band: 0.1 } },
      undefined,
      controller.signal,
    );
    controller.abort();
    expect((await rejection(running)).code).toBe('CANCELLED');
  });

  test('bad input is a coded rejection, never a crash', async () => {
    const ex = [{ target: 0, start: 10, end: 40 }];
    const code = async (...args) => (await rejection(engine.findSimilar(...args))).code;
    expect(await code(ex, [ibm], { maxResult: 5 })).toBe('INVALID_CONFIG');
    expect(await code(ex, [ibm], { stretch: 2 })).toBe('INVALID_ARGUMENT');
    expect(await code([], [ibm])).toBe('INVALID_ARGUMENT');
    expect(await code([{ target: 0, start: 10 }], [ibm])).toBe('INVALID_ARGUMENT');
    expect(await code([{ target: 3, start: 0, end: 20 }], [ibm])).toBe('INVALID_ARGUMENT');
    expect(await code([{ target: 0, start: 10, end: 12 }], [ibm])).toBe('INVALID_ARGUMENT');
    const nan = { ...ibm, close: ibm.close.slice() };
    nan.close[5] = NaN;
    const err = await rejection(engine.findSimilar(ex, [nan]));
    expect(err.code).toBe('INVALID_CANDLES');
    expect(err.message).toMatch(/target 0.*index 5/);
    const short = { ...ibm, volume: ibm.volume.slice(1) };
    expect(await code(ex, [short], { channels: 'ohlcv' })).toBe('INVALID_CANDLES');
    const flat = { ...ibm, close: new Float64Array(ibm.close.length).fill(5) };
    expect(await code(ex, [flat])).toBe('INVALID_ARGUMENT');
  });
});
