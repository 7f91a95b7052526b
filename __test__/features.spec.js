const { isFloat64Array, engine, loadSample, sliceCandles, syntheticCandles } = require('./helpers');

describe('computeFeatures', () => {
  let candles;
  let frame;
  beforeAll(async () => {
    candles = await loadSample('aapl_daily.csv');
    frame = await engine.computeFeatures(candles);
  });

  test('the standard set: geometry, 24 indicators, 61 patterns, 5 lags of geometry', () => {
    expect(frame.names).toHaveLength(9 + 24 + 61 + 9 * 5);
    for (const name of [
      'body',
      'volume_z20',
      'rsi14',
      'macd_hist',
      'bb_pctb',
      'adx14',
      'sma50_dist',
      'stoch_d',
      'obv_slope10',
      'willr14',
      'trend7',
      'cdlengulfing',
      'cdl3whitesoldiers',
      'gap_lag5',
    ]) {
      expect(frame.names).toContain(name);
    }
    expect(frame.columns).toHaveLength(frame.names.length);
    for (const col of frame.columns) {
      expect(isFloat64Array(col)).toBe(true);
      expect(col.length).toBe(candles.close.length);
    }
    expect(frame.warmup).toBe(49);
  });

  test('a lag is its geometry feature shifted, a view into the same buffer (no copy)', () => {
    const col = (n) => frame.columns[frame.names.indexOf(n)];
    for (const g of ['body', 'gap', 'volume_z20']) {
      const base = col(g);
      for (let lag = 1; lag <= 5; lag++) {
        const lagged = col(`${g}_lag${lag}`);
        expect(lagged.buffer).toBe(base.buffer);
        expect(lagged.byteOffset).toBe(base.byteOffset - lag * 8);
        expect(Array.from(lagged.subarray(0, lag)).every(Number.isNaN)).toBe(true);
        for (let t = lag; t < base.length; t += 97) expect(Object.is(lagged[t], base[t - lag])).toBe(true);
      }
    }
    // Columns that are not lags own their buffers.
    expect(col('rsi14').buffer).not.toBe(col('body').buffer);
    expect(col('rsi14').byteOffset).toBe(0);
  });

  test('values: geometry matches its definition, patterns are TA-Lib output / 100', () => {
    const col = (n) => frame.columns[frame.names.indexOf(n)];
    const bodyToRange = col('body_to_range');
    const logReturn = col('log_return');
    for (const t of [100, 1000, 3000]) {
      const range = candles.high[t] - candles.low[t];
      const expected = range === 0 ? 0 : (candles.close[t] - candles.open[t]) / range;
      expect(bodyToRange[t]).toBeCloseTo(expected, 12);
      expect(logReturn[t]).toBeCloseTo(Math.log(candles.close[t] / candles.close[t - 1]), 12);
    }
    const rsi = col('rsi14');
    for (let t = frame.warmup; t < rsi.length; t++) {
      expect(rsi[t]).toBeGreaterThanOrEqual(0);
      expect(rsi[t]).toBeLessThanOrEqual(100);
    }
    const allowed = new Set([0, 0.8, -0.8, 1, -1, 2, -2]);
    let fired = 0;
    for (const v of col('cdlengulfing')) {
      expect(allowed.has(v)).toBe(true);
      if (v !== 0) fired++;
    }
    expect(fired).toBeGreaterThan(50); // 13 years of daily AAPL have plenty of engulfing candles
    const lagged = col('body_lag3');
    const body = col('body');
    expect(lagged[500]).toBe(body[497]);
  });

  test('row t uses only candles up to t: appending candles never changes earlier rows', async () => {
    const early = await engine.computeFeatures(sliceCandles(candles, 0, 1500));
    for (let k = 0; k < early.names.length; k++) {
      const a = early.columns[k];
      const b = frame.columns[k];
      for (let t = 0; t < 1500; t++) {
        if (!(Object.is(a[t], b[t]) || (Number.isNaN(a[t]) && Number.isNaN(b[t])))) {
          throw new Error(`${early.names[k]}[${t}] changed: ${a[t]} -> ${b[t]}`);
        }
      }
    }
  });

  test('a config selects groups and names', async () => {
    const small = await engine.computeFeatures(candles, {
      geometry: ['body'],
      indicators: ['rsi14'],
      patterns: ['cdldoji'],
      lags: 1,
    });
    expect(small.names).toEqual(['body', 'rsi14', 'cdldoji', 'body_lag1']);
    expect(small.columns[1]).toEqual(frame.columns[frame.names.indexOf('rsi14')]);
  });

  test('runs off the JS thread: timers keep firing during a large computation', async () => {
    const big = syntheticCandles(300_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    const out = await engine.computeFeatures(big);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    expect(out.columns[0].length).toBe(300_000);
    // If the work blocked the event loop, no interval callback could run until it finished.
    if (elapsed > 100) expect(ticks).toBeGreaterThan(2);
  });
});
