const fs = require('node:fs');
const path = require('node:path');
const { isFloat64Array, engine, rejection, SAMPLES } = require('./helpers');

const utc = (iso) => Date.parse(iso + 'T00:00:00Z');

describe('importCsvFile / importCsv', () => {
  test('a real ISO-dated daily file becomes one series of typed columns', async () => {
    const { series, rejected, detected } = await engine.importCsvFile(path.join(SAMPLES, 'aapl_daily.csv'), {
      onInvalidRow: 'skip',
      symbol: 'AAPL',
    });
    expect(series).toHaveLength(1);
    const s = series[0];
    expect(s.symbol).toBe('AAPL');
    expect(s.timeframe).toBe('1d');
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume']) expect(isFloat64Array(s.candles[k])).toBe(true);
    expect(s.candles.time.length + rejected.length).toBe(3270);
    expect(s.candles.time[0]).toBe(utc('2000-03-01'));
    expect(s.candles.open[0]).toBe(118.56);
    expect(s.candles.volume[0]).toBe(9616100);
    const last = s.candles.time.length - 1;
    expect(s.candles.time[last]).toBe(utc('2013-03-01'));
    expect(s.candles.close[last]).toBe(430.47);
    expect(detected.columns.time.toLowerCase()).toBe('timestamp');
    expect(detected.newestFirst).toBe(false);
    engine.validateCandles(s.candles);
  });

  test('a Yahoo export (m/d/Y, Adj Close) from a Buffer', async () => {
    const bytes = fs.readFileSync(path.join(SAMPLES, 'sp500_daily_yahoo.csv'));
    const { series, rejected, detected } = await engine.importCsv(bytes, { onInvalidRow: 'skip' });
    const c = series[0].candles;
    expect(c.time.length + rejected.length).toBe(5031);
    expect(c.time[0]).toBe(utc('1999-01-04'));
    expect(c.open[0]).toBeCloseTo(1229.22998, 8);
    expect(detected.ignoredColumns.map((x) => x.toLowerCase())).toContain('adj close');
    expect(series[0].timeframe).toBe('1d');
  });

  test('newest-first rows are returned oldest-first', async () => {
    const csv =
      'Date,Open,High,Low,Close,Volume\n2024-01-03,3,4,2,3.5,10\n2024-01-02,2,3,1,2.5,10\n2024-01-01,1,2,0.5,1.5,10\n';
    const { series, detected } = await engine.importCsv(Buffer.from(csv));
    expect(detected.newestFirst).toBe(true);
    expect(Array.from(series[0].candles.open)).toEqual([1, 2, 3]);
  });

  test('invalid rows fail the import by default, with row numbers; skip lists every one', async () => {
    const csv =
      'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,2,1,0.5,1.5,10\n2024-01-03,1,2,0.5,1.5,-3\n2024-01-04,1,2,0.5,1.5,10\n';
    const err = await rejection(engine.importCsv(Buffer.from(csv)));
    expect(err.code).toBe('IMPORT_FAILED');
    expect(err.message).toMatch(/row 3/);
    expect(err.message).toMatch(/row 4/);
    const { series, rejected } = await engine.importCsv(Buffer.from(csv), { onInvalidRow: 'skip' });
    expect(series[0].candles.time.length).toBe(2);
    expect(rejected.map((r) => r.row)).toEqual([3, 4]);
    for (const r of rejected) expect(r.reason.length).toBeGreaterThan(5);
  });

  test('bad files are IMPORT_FAILED or IO_ERROR with a clear message', async () => {
    expect((await rejection(engine.importCsv(Buffer.alloc(0)))).code).toBe('IMPORT_FAILED');
    expect((await rejection(engine.importCsv(Buffer.from([0, 159, 146, 150, 0, 1, 2])))).code).toBe('IMPORT_FAILED');
    const wrong = await rejection(engine.importCsv(Buffer.from('name,age\nbob,3\n')));
    expect(wrong.code).toBe('IMPORT_FAILED');
    expect(wrong.message).toMatch(/open|close|time/i);
    const missing = await rejection(engine.importCsvFile('/no/such/file.csv'));
    expect(missing.code).toBe('IO_ERROR');
    expect((await rejection(engine.importCsv(Buffer.from('x'), { onInvalidRow: 'maybe' }))).code).toBe(
      'INVALID_CONFIG',
    );
  });

  test('a caller that knows the file (Label Studio): named columns, delimiter and strftime time format', async () => {
    const csv = Buffer.from(
      'when;first;top;bottom;last;qty\n02/01/2020 13:05;1,5;2;1;1,75;10\n03/01/2020 13:05;2;3;1;2;20\n',
    );
    const options = {
      delimiter: ';',
      timeFormat: '%d/%m/%Y %H:%M',
      columns: { time: 'when', open: 'first', high: 'top', low: 'bottom', close: 'last', volume: 'qty' },
    };
    const { series, detected } = await engine.importCsv(csv, options);
    expect(Array.from(series[0].candles.time)).toEqual([
      Date.parse('2020-01-02T13:05:00Z'),
      Date.parse('2020-01-03T13:05:00Z'),
    ]);
    expect(Array.from(series[0].candles.open)).toEqual([1.5, 2]);
    expect(detected.timeFormat).toBe('%d/%m/%Y %H:%M');
    expect((await rejection(engine.importCsv(csv, { ...options, timeFormat: '%Y-%K' }))).code).toBe('INVALID_ARGUMENT');
    const missing = await rejection(
      engine.importCsv(csv, { ...options, columns: { ...options.columns, close: 'Close' } }),
    );
    expect(missing.code).toBe('IMPORT_FAILED');
    expect(missing.message).toMatch(/names the columns .*close='Close'/);
  });
});

describe('CsvUpload: a file assembled in the engine, imported without a copy', () => {
  const file = fs.readFileSync(path.join(SAMPLES, 'msft_daily.csv'));

  test('chunks appended in order import exactly as the whole Buffer does', async () => {
    const upload = new engine.CsvUpload(file.length);
    for (let at = 0; at < file.length; at += 4096) upload.append(file.subarray(at, at + 4096));
    expect(upload.byteLength).toBe(file.length);
    const fromUpload = await engine.importCsv(upload, { symbol: 'MSFT' });
    const fromBuffer = await engine.importCsv(file, { symbol: 'MSFT' });
    expect(fromUpload).toEqual(fromBuffer);
    expect(fromUpload.series[0].candles.time.length).toBe(3270);
    // The import took the bytes: the upload is spent.
    expect(upload.byteLength).toBe(0);
  });

  test('an upload serves one import; appending after it, or after release, is an error', async () => {
    const upload = new engine.CsvUpload();
    upload.append(new Uint8Array(file.subarray(0, 2000)));
    await expect(engine.importCsv(upload, { onInvalidRow: 'skip' })).resolves.toHaveProperty('series');
    await expect(rejection(engine.importCsv(upload))).resolves.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('already imported or released'),
    });
    expect(() => upload.append(file.subarray(0, 10))).toThrow(/already imported or released/);
    const released = new engine.CsvUpload(file.length);
    released.append(file);
    released.release();
    expect(released.byteLength).toBe(0);
    await expect(rejection(engine.importCsv(released))).resolves.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('bad arguments are INVALID_ARGUMENT, and an empty upload is IMPORT_FAILED', async () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => new engine.CsvUpload(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => engine.CsvUpload(10)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const upload = new engine.CsvUpload();
    for (const bad of ['text', 12, null, [1, 2], new Float64Array(2)]) {
      expect(() => upload.append(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    await expect(rejection(engine.importCsv(upload))).resolves.toMatchObject({
      code: 'IMPORT_FAILED',
      message: expect.stringContaining('empty (0 bytes)'),
    });
  });
});
