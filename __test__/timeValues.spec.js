// parseDateUtc / resolveTimeValues: the engine's one time parser as the web app's span import and
// Label Studio reader call it (crates/engine/src/time_value.rs has the format-by-format tests).
const engine = require('..');

const day = (iso) => Date.parse(`${iso}T00:00:00Z`);
const times = Float64Array.from([day('2024-01-01'), day('2024-01-02'), day('2024-01-03')]);

describe('parseDateUtc', () => {
  test('reads ISO dates as UTC, with or without a zone', () => {
    expect(engine.parseDateUtc('2024-01-02')).toBe(day('2024-01-02'));
    expect(engine.parseDateUtc('2024-01-02T10:30:00Z')).toBe(Date.UTC(2024, 0, 2, 10, 30));
    expect(engine.parseDateUtc('2024-01-02 10:30')).toBe(Date.UTC(2024, 0, 2, 10, 30));
    expect(engine.parseDateUtc('2024/01/02')).toBe(day('2024-01-02'));
    expect(engine.parseDateUtc('2024-01-02T10:30:00+02:00')).toBe(Date.UTC(2024, 0, 2, 8, 30));
    expect(engine.parseDateUtc('2024-01-02T10:30:00.250Z')).toBe(Date.UTC(2024, 0, 2, 10, 30, 0, 250));
  });
  test('reads US m/d/Y', () => {
    expect(engine.parseDateUtc('1/4/1999')).toBe(day('1999-01-04'));
  });
  test('garbage and impossible dates are null', () => {
    expect(engine.parseDateUtc('yesterday')).toBeNull();
    expect(engine.parseDateUtc('2021-02-30')).toBeNull();
  });
  test('a value that is not a string is INVALID_ARGUMENT', () => {
    expect(() => engine.parseDateUtc(42)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('resolveTimeValues', () => {
  test('auto: epoch ms, epoch seconds, index, date string', () => {
    expect(engine.resolveTimeValues([times[1], times[1] / 1000, 2, '2', '2024-01-03'], times)).toEqual([
      { time: times[1] },
      { time: times[1] },
      { time: times[2] },
      { time: times[2] },
      { time: times[2] },
    ]);
  });
  test('explicit units', () => {
    expect(engine.resolveTimeValues([5], times, 'ms')).toEqual([{ time: 5 }]);
    expect(engine.resolveTimeValues([5], times, 's')).toEqual([{ time: 5000 }]);
    expect(engine.resolveTimeValues([0], times, 'index')).toEqual([{ time: times[0] }]);
  });
  test('each value that cannot be placed gets its own error', () => {
    const [outside, soon, ok] = engine.resolveTimeValues([7, 'soon', 0], times);
    expect(outside.error).toMatch(/outside the dataset/);
    expect(soon.error).toMatch(/not a date/);
    expect(ok).toEqual({ time: times[0] });
  });
  test('bad arguments are INVALID_ARGUMENT naming them', () => {
    const code = (fn) => {
      try {
        fn();
      } catch (e) {
        return `${e.code} ${e.message}`;
      }
      return 'no error';
    };
    expect(code(() => engine.resolveTimeValues([{}], times))).toMatch(/^INVALID_ARGUMENT .*values\[0\]/);
    expect(code(() => engine.resolveTimeValues('1', times))).toMatch(/^INVALID_ARGUMENT .*values/);
    expect(code(() => engine.resolveTimeValues([1], new Float32Array(3)))).toMatch(/^INVALID_ARGUMENT .*candleTimes/);
    expect(code(() => engine.resolveTimeValues([1], times, 'weeks'))).toMatch(/^INVALID_ARGUMENT .*unit/);
  });
});
