const { className, engine, loadSample, rejection, rows, syntheticCandles } = require('./helpers');

describe('listPatterns', () => {
  test('all 61 TA-Lib candlestick patterns with their span length', () => {
    const patterns = engine.listPatterns();
    expect(patterns).toHaveLength(61);
    const byName = Object.fromEntries(patterns.map((p) => [p.name, p]));
    expect(byName.cdlengulfing).toEqual({ name: 'cdlengulfing', label: 'engulfing', candles: 2 });
    expect(byName.cdlmorningstar.candles).toBe(3);
    expect(byName.cdldoji.candles).toBe(1);
    expect(byName.cdlbreakaway.candles).toBe(5);
  });
});

describe('autoLabel', () => {
  let candles;
  beforeAll(async () => {
    candles = await loadSample('msft_daily.csv');
  });

  test('spans come back as typed-array columns with label codes', async () => {
    const { spans } = await engine.autoLabel(candles, { patterns: ['engulfing', 'hammer'] });
    expect(spans.labels).toEqual(['engulfing', 'hammer']);
    const types = Object.fromEntries(Object.entries(spans).map(([k, v]) => [k, className(v)]));
    expect(types).toEqual({
      labels: 'Array',
      start: 'Uint32Array',
      end: 'Uint32Array',
      startTime: 'Float64Array',
      endTime: 'Float64Array',
      label: 'Uint16Array',
      direction: 'Int8Array',
      strength: 'Uint8Array',
    });
    const n = spans.start.length;
    expect(n).toBeGreaterThan(0);
    for (const column of Object.values(spans)) expect(column.length).toBe(column === spans.labels ? 2 : n);
    // Sorted by start, end, label.
    for (let i = 1; i < n; i++) {
      const a = [spans.start[i - 1], spans.end[i - 1], spans.labels[spans.label[i - 1]]];
      const b = [spans.start[i], spans.end[i], spans.labels[spans.label[i]]];
      expect(a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))).toBe(true);
    }
  });

  test("spans cover each pattern's candles and match the feature signal", async () => {
    const result = await engine.autoLabel(candles, {
      patterns: ['engulfing', 'cdlmorningstar', 'hammer'],
    });
    const { report, summary } = result;
    const spans = rows(result.spans);
    expect(spans.length).toBeGreaterThan(0);
    const frame = await engine.computeFeatures(candles, {
      geometry: false,
      indicators: false,
      patterns: ['cdlengulfing'],
      lags: 0,
    });
    const signal = frame.columns[0];
    const engulfing = spans.filter((s) => s.label === 'engulfing');
    expect(engulfing.length).toBe(signal.filter((v) => v !== 0).length);
    for (const s of engulfing) {
      expect(s.end - s.start).toBe(1);
      expect(s.startTime).toBe(candles.time[s.start]);
      expect(s.endTime).toBe(candles.time[s.end]);
      expect(s.direction).toBe(signal[s.end] > 0 ? 1 : -1);
      expect(s.strength).toBe(Math.abs(signal[s.end]) * 100);
    }
    for (const s of spans.filter((x) => x.label === 'morningstar')) {
      expect(s.end - s.start).toBe(2);
      expect(s.direction).toBe(1);
    }
    expect(report.map((r) => r.pattern)).toEqual(['cdlengulfing', 'cdlmorningstar', 'cdlhammer']);
    for (const r of report) {
      expect(r.count).toBe(spans.filter((s) => s.label === r.label).length);
      expect(r.coverage).toBeGreaterThanOrEqual(0);
      expect(r.coverage).toBeLessThanOrEqual(1);
      expect(r.precision).toBeNull();
    }
    expect(summary.candles).toBe(candles.close.length);
    expect(summary.spans).toBe(spans.length);
  });

  test('precision and recall against human spans', async () => {
    const spans = rows((await engine.autoLabel(candles, { patterns: ['engulfing'] })).spans);
    // People agree with the first 10 engulfing spans and add 10 of their own elsewhere.
    const human = spans.slice(0, 10).map((s) => ({ start: s.start, end: s.end, label: 'engulfing' }));
    const covered = new Set(spans.flatMap((s) => [s.start, s.end]));
    let extra = 0;
    for (let i = 100; extra < 10 && i < candles.close.length - 1; i += 7) {
      if (!covered.has(i) && !covered.has(i + 1)) {
        human.push({ start: i, end: i + 1, label: 'Engulfing' });
        extra++;
      }
    }
    const { report } = await engine.autoLabel(candles, { patterns: ['engulfing'], humanSpans: human });
    expect(report[0].recall).toBeCloseTo(0.5, 12);
    expect(report[0].precision).toBeGreaterThanOrEqual(10 / spans.length);
    expect(report[0].precision).toBeLessThan(1);
  });

  test('minStrength keeps only stronger signals', async () => {
    const all = await engine.autoLabel(candles, { patterns: ['hikkake'] });
    const strong = await engine.autoLabel(candles, { patterns: ['hikkake'], minStrength: 200 });
    expect(strong.spans.start.length).toBeLessThan(all.spans.start.length);
    expect(strong.spans.strength.every((s) => s === 200)).toBe(true);
  });

  test('a pattern named several ways labels once; the list is bounded', async () => {
    const once = await engine.autoLabel(candles, { patterns: ['doji'] });
    const repeated = await engine.autoLabel(candles, { patterns: ['doji', 'doji', 'cdldoji', 'DOJI'] });
    expect(repeated.spans).toEqual(once.spans);
    expect(repeated.report).toHaveLength(1);
    const tooMany = await rejection(engine.autoLabel(candles, { patterns: Array(100000).fill('doji') }));
    expect(tooMany.code).toBe('INVALID_ARGUMENT');
  });

  test('a long series (all 61 patterns on 300k candles) comes back whole', async () => {
    const big = syntheticCandles(300000, 5);
    const { spans, summary } = await engine.autoLabel(big);
    expect(spans.start.length).toBe(summary.spans);
    // More spans than napi's one-JSON-value limit (1M values) would have allowed as objects.
    expect(summary.spans * 8).toBeGreaterThan(1000000);
    expect(spans.end[spans.end.length - 1]).toBeLessThan(300000);
  });

  test('bad options are coded errors', async () => {
    expect((await rejection(engine.autoLabel(candles, { patterns: ['bullflag'] }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(engine.autoLabel(candles, { minStrenght: 100 }))).code).toBe('INVALID_CONFIG');
    expect(
      (await rejection(engine.autoLabel(candles, { humanSpans: [{ start: 5, end: 1e9, label: 'x' }] }))).code,
    ).toBe('INVALID_ARGUMENT');
  });
});
