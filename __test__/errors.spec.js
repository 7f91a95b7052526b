const { engine, loadSample, syntheticCandles, rejection, thrown } = require('./helpers');

const copy = (c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Float64Array.from(v)]));

describe('bad input is a coded JS error, never a crash', () => {
  const good = syntheticCandles(200);

  test.each([
    [
      'NaN close',
      (c) => {
        c.close[120] = NaN;
      },
      /index 120/,
    ],
    [
      'Infinity open',
      (c) => {
        c.open[3] = Infinity;
      },
      /index 3/,
    ],
    [
      'high below close',
      (c) => {
        c.high[50] = c.close[50] - 1;
      },
      /index 50/,
    ],
    [
      'low above open',
      (c) => {
        c.low[51] = Math.max(c.open[51], c.close[51]) + 1;
      },
      /index 51/,
    ],
    [
      'negative volume',
      (c) => {
        c.volume[7] = -5;
      },
      /index 7/,
    ],
    [
      'time not increasing',
      (c) => {
        c.time[9] = c.time[8];
      },
      /index 9/,
    ],
    [
      'mismatched lengths',
      (c) => {
        c.volume = c.volume.subarray(0, 150);
      },
      /volume has 150/,
    ],
  ])('%s → INVALID_CANDLES naming the index', async (_, mutate, message) => {
    const c = copy(good);
    mutate(c);
    const sync = thrown(() => engine.validateCandles(c));
    expect(sync.code).toBe('INVALID_CANDLES');
    expect(sync.message).toMatch(message);
    for (const call of [() => engine.computeFeatures(c), () => engine.autoLabel(c)]) {
      const err = await rejection(call());
      expect(Object.prototype.toString.call(err)).toBe('[object Error]'); // a real Error (Jest's realms break instanceof)
      expect(err.code).toBe('INVALID_CANDLES');
      expect(err.message).toMatch(message);
    }
  });

  test('empty columns', async () => {
    const empty = copy(syntheticCandles(0));
    expect((await rejection(engine.computeFeatures(empty))).code).toBe('INVALID_CANDLES');
  });

  test('fewer candles than the warm-up says how many are needed', async () => {
    const err = await rejection(engine.computeFeatures(syntheticCandles(20)));
    expect(err.code).toBe('TOO_FEW_CANDLES');
    expect(err.message).toMatch(/at least 50/);
  });

  test('unknown config keys and names are INVALID_CONFIG', async () => {
    const c = await loadSample('ibm_daily.csv');
    expect((await rejection(engine.computeFeatures(c, { lagz: 3 }))).code).toBe('INVALID_CONFIG');
    const err = await rejection(engine.computeFeatures(c, { indicators: ['rsi15'] }));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(/rsi15/);
    expect((await rejection(engine.computeFeatures(c, { lags: 99 }))).code).toBe('INVALID_CONFIG');
  });

  test('wrong JS types are coded errors naming the argument (contract.spec.js covers every export)', async () => {
    const sync = thrown(() => engine.validateCandles({ time: [1, 2], open: [1, 2] }));
    expect(sync.code).toBe('INVALID_ARGUMENT');
    expect(sync.message).toContain('candles.time');
    const err = await rejection(engine.computeFeatures(null));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('candles');
  });

  test('the process survives all of the above and still computes', async () => {
    const frame = await engine.computeFeatures(good);
    expect(frame.columns[0].length).toBe(200);
  });
});
