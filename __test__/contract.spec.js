// The error contract, export by export: every argument of every export is given each kind of
// wrong value, and every outcome is a coded error — INVALID_ARGUMENT naming the argument for a
// value of the wrong type, INVALID_CONFIG for a bad value inside an options object — never
// napi's own statuses (InvalidArg, StringExpected…) and never a crash.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { engine, syntheticCandles } = require('./helpers');

/** The codes docs/engine-api.md documents. */
const DOCUMENTED = [
  'INVALID_CANDLES',
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  'IMPORT_FAILED',
  'TOO_FEW_CANDLES',
  'INVALID_ANNOTATIONS',
  'MODEL_NOT_FOUND',
  'NO_MODEL',
  'CORRUPT_MODEL',
  'TRAINING_FAILED',
  'CANCELLED',
  'TRACKING_FAILED',
  'IO_ERROR',
  'INTERNAL',
];

/** Values of the wrong type for any argument (each export's own valid values are below). */
const WRONG = {
  number: 42,
  NaN: NaN,
  string: 'not this',
  boolean: true,
  array: [1, 2, 3],
  'empty object': {},
  symbol: Symbol('x'),
  bigint: 10n,
  function: () => 1,
  Float64Array: new Float64Array(3),
  Buffer: Buffer.from('x'),
  Date: new Date(0),
  null: null,
};

const candles = syntheticCandles(300);
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-contract-'));
const missingYaml = path.join(registry, 'missing.yaml');

/**
 * Each export with valid arguments (whose call fails fast on its own, e.g. an empty registry)
 * and, per argument, whether it is required and what kind it is: 'candles', 'options' (a plain
 * object whose content is INVALID_CONFIG), 'string', 'bytes', 'function', 'token', 'requests'.
 */
const EXPORTS = {
  validateCandles: { args: [candles], kinds: ['candles'], sync: true },
  computeFeatures: { args: [candles, {}], kinds: ['candles', 'options'] },
  autoLabel: { args: [candles, {}], kinds: ['candles', 'options'] },
  importCsv: { args: [Buffer.from('time,open,high,low,close\n1,1,1,1,1\n'), {}], kinds: ['bytes', 'options'] },
  importCsvFile: { args: [missingYaml, {}], kinds: ['string', 'options'] },
  train: { args: [{ configPath: missingYaml }, undefined, undefined], kinds: ['config', 'function', 'token'] },
  findLabelErrors: {
    args: [{ configPath: missingYaml }, {}, undefined, undefined],
    kinds: ['config', 'options', 'function', 'token'],
  },
  predict: { args: [candles, { registry }], kinds: ['candles', 'options'] },
  predictBatch: { args: [[{ candles, options: { registry } }]], kinds: ['requests'] },
  modelInfo: { args: ['champion', registry], kinds: ['optional string', 'optional string'] },
  modelRequirements: { args: ['champion', registry], kinds: ['optional string', 'optional string'] },
  listModels: { args: [registry], kinds: ['optional string'] },
  promote: { args: ['v0001', registry], kinds: ['string', 'optional string'] },
};

/** Whether `value` is acceptable for an argument of `kind` (then the call may succeed). */
function accepts(kind, value) {
  const absent = value === undefined || value === null;
  switch (kind) {
    case 'options':
      return absent || (Object.prototype.toString.call(value) === '[object Object]' && !Array.isArray(value));
    case 'optional string':
      return absent || typeof value === 'string';
    case 'function':
    case 'token':
      return absent || (kind === 'function' && typeof value === 'function');
    case 'bytes':
      return Buffer.isBuffer(value) || ArrayBuffer.isView(value);
    case 'string':
      return typeof value === 'string';
    default:
      return false;
  }
}

async function outcome(fn, sync) {
  try {
    const result = sync ? fn() : await fn();
    return { result };
  } catch (error) {
    return { error };
  }
}

afterAll(() => fs.rmSync(registry, { recursive: true, force: true }));

describe.each(Object.entries(EXPORTS))('%s', (name, spec) => {
  test('every argument position, every wrong type: a documented code', async () => {
    for (const [position, kind] of spec.kinds.entries()) {
      for (const [label, value] of Object.entries({ ...WRONG, undefined })) {
        const args = [...spec.args];
        args[position] = value;
        const call = () => engine[name](...args);
        if (!spec.sync) {
          // Async exports never throw synchronously: the promise carries the error.
          let promise;
          expect(() => {
            promise = call();
          }).not.toThrow();
          promise.catch(() => {});
        }
        const { error } = await outcome(call, spec.sync);
        const where = `${name} argument ${position} (${kind}) = ${label}`;
        if (!error) {
          expect({ where, accepted: accepts(kind, value) || kind === 'requests' }).toEqual({ where, accepted: true });
          continue;
        }
        expect({ where, code: error.code, documented: DOCUMENTED.includes(error.code) }).toEqual({
          where,
          code: error.code,
          documented: true,
        });
        if (!accepts(kind, value) && kind !== 'config' && kind !== 'requests') {
          expect({ where, code: error.code }).toEqual({ where, code: 'INVALID_ARGUMENT' });
        }
      }
    }
  });
});

test('NaN and Infinity inside options are INVALID_CONFIG naming the key', async () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const [call, key] of [
      [() => engine.autoLabel(candles, { minStrength: bad }), 'minStrength'],
      [() => engine.predict(candles, { registry, minConfidence: bad }), 'minConfidence'],
      [() => engine.computeFeatures(candles, { lags: bad }), 'lags'],
      [() => engine.findLabelErrors({ configPath: missingYaml }, { folds: bad }), 'folds'],
      [() => engine.train({ config: { seed: bad }, rootDir: registry }), 'seed'],
      [() => engine.autoLabel(candles, { humanSpans: [{ start: 1, end: bad, label: 'x' }] }), 'humanSpans[0].end'],
    ]) {
      const { error } = await outcome(call);
      expect({ key, code: error.code }).toEqual({ key, code: 'INVALID_CONFIG' });
      expect(error.message).toContain(key);
    }
  }
});

test('options must be objects of the documented shape', async () => {
  for (const [call, code] of [
    [() => engine.importCsv(Buffer.from('a,b\n'), ['skip']), 'INVALID_ARGUMENT'],
    [() => engine.importCsv(Buffer.from('a,b\n'), { onInvalidRow: 'maybe' }), 'INVALID_CONFIG'],
    [() => engine.importCsv(Buffer.from('a,b\n'), { timeframe: 'banana' }), 'INVALID_ARGUMENT'],
    [() => engine.importCsv(Buffer.from('a,b\n'), { dayFirst: 'yes' }), 'INVALID_CONFIG'],
    [() => engine.importCsv(Buffer.from('a,b\n'), { timeFormat: 'YYYY-DD-MM' }), 'INVALID_ARGUMENT'],
    [() => engine.autoLabel(candles, { patterns: 'doji' }), 'INVALID_CONFIG'],
    [() => engine.autoLabel(candles, { bogus: 1 }), 'INVALID_CONFIG'],
    [() => engine.predict(candles, { registry, perCandle: 'yes' }), 'INVALID_CONFIG'],
    [() => engine.computeFeatures(candles, { lags: 2.5 }), 'INVALID_CONFIG'],
  ]) {
    const { error } = await outcome(call);
    expect(error.code).toBe(code);
  }
  // Deep nesting is refused before it can cost anything.
  let deep = {};
  for (let i = 0; i < 10000; i++) deep = { humanSpans: [deep] };
  expect((await outcome(() => engine.autoLabel(candles, deep))).error.code).toBe('INVALID_CONFIG');
});

test('CancelToken is a class: without `new` it throws INVALID_ARGUMENT', () => {
  const { error } = (() => {
    try {
      engine.CancelToken();
      return {};
    } catch (e) {
      return { error: e };
    }
  })();
  expect(error.code).toBe('INVALID_ARGUMENT');
  const token = new engine.CancelToken();
  expect(token.cancelled).toBe(false);
  token.cancel();
  expect(token.cancelled).toBe(true);
});
