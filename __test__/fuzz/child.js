// One fuzz child: calls one export of the addon with generated hostile arguments, one call at a
// time, and prints a JSON line per call — `{ start }` before it, `{ done, outcome }` after — so the
// parent can name the call that hung or crashed the process. Usage:
//   node __test__/fuzz/child.js <export> <seed> <calls> <fixtures.json>
const fs = require('node:fs');
const engine = require('../..');
const { syntheticCandles } = require('../helpers');

const [name, seedText, callsText, fixturesFile] = process.argv.slice(2);
const fixtures = JSON.parse(fs.readFileSync(fixturesFile, 'utf8'));
let state = BigInt(seedText) || 1n;

/** xorshift64: a deterministic stream per (export, seed). */
function next() {
  state ^= (state << 13n) & 0xffffffffffffffffn;
  state ^= state >> 7n;
  state ^= (state << 17n) & 0xffffffffffffffffn;
  return Number(state % 1000000n) / 1000000;
}
const pick = (xs) => xs[Math.floor(next() * xs.length)];
const int = (n) => Math.floor(next() * n);

const NUMBERS = [0, -0, 1, -1, 3, 0.5, 1e308, -1e308, 2 ** 53, 2 ** 32, NaN, Infinity, -Infinity, 4294967296, 65536];
const STRINGS = [
  '',
  ' ',
  'champion',
  'latest',
  'v0001',
  'x'.repeat(100000),
  '\u0000',
  '../../etc/passwd',
  'ü€😀',
  '[[[[',
  'doji',
];

function typedArray(length) {
  const kinds = [Float64Array, Float64Array, Float64Array, Float32Array, Int32Array, Uint8Array];
  const T = pick(kinds);
  const a = new T(length);
  for (let i = 0; i < length; i++) a[i] = pick([i * 60000, 100 + (i % 7), NaN, -1, 1e300, 0]);
  return a;
}

function candles() {
  const n = pick([0, 1, 5, 60, 300, 5000]);
  const choice = int(10);
  if (choice < 4) return syntheticCandles(n, int(1000) + 1);
  const c = {};
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume']) {
    if (next() < 0.1) continue; // a missing column
    c[k] = next() < 0.15 ? value(1) : typedArray(next() < 0.1 ? n + 1 : n);
  }
  return c;
}

/** Any value, nested up to `depth`. */
function value(depth = 2) {
  switch (int(16)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
    case 3:
      return pick(NUMBERS);
    case 4:
    case 5:
      return pick(STRINGS);
    case 6:
      return next() < 0.5;
    case 7:
      return Symbol('s');
    case 8:
      return BigInt(int(1000));
    case 9:
      return () => pick(NUMBERS);
    case 10:
      return typedArray(int(50));
    case 11:
      return Buffer.from(pick(STRINGS));
    case 12:
      return new Date(int(1e12));
    case 13:
      return depth > 0 ? Array.from({ length: int(5) }, () => value(depth - 1)) : [];
    default: {
      if (depth <= 0) return {};
      const o = {};
      const keys = [
        'patterns',
        'minStrength',
        'humanSpans',
        'model',
        'registry',
        'minConfidence',
        'labels',
        'perCandle',
        'minLength',
        'folds',
        'onInvalidRow',
        'symbol',
        'timeframe',
        'timeFormat',
        'dayFirst',
        'decimal',
        'thousands',
        'geometry',
        'indicators',
        'lags',
        'configPath',
        'config',
        'rootDir',
        'start',
        'end',
        'label',
        '__proto__',
        'constructor',
      ];
      for (let i = int(4); i > 0; i--) o[pick(keys)] = value(depth - 1);
      return o;
    }
  }
}

const path = () => pick([...fixtures.specialFiles, ...STRINGS]);
const registry = () => pick([...fixtures.registries, ...fixtures.specialFiles, value(0)]);
const options = () => (next() < 0.3 ? value(0) : value(3));

/** Each export's argument generators. */
const ARGS = {
  validateCandles: () => [candles()],
  computeFeatures: () => [candles(), pick([undefined, options(), { lags: pick(NUMBERS) }])],
  autoLabel: () => [
    candles(),
    pick([
      undefined,
      options(),
      { patterns: Array.from({ length: int(50) }, () => pick(['doji', 'cdldoji', 'engulfing', 'bogus'])) },
      { humanSpans: [{ start: pick(NUMBERS), end: pick(NUMBERS), label: pick(STRINGS) }] },
    ]),
  ],
  importCsv: () => [
    pick([Buffer.from(pick(fixtures.csvTexts)), value(1), Buffer.alloc(int(100000), int(256))]),
    pick([
      undefined,
      options(),
      {
        dayFirst: value(0),
        decimal: pick([',', '.', ';', value(0)]),
        timeFormat: pick(['excel', 'DD/MM/YYYY', value(0)]),
      },
    ]),
  ],
  importCsvFile: () => [path(), pick([undefined, options()])],
  train: () => [
    pick([{ configPath: path() }, { config: value(3), rootDir: path() }, ...fixtures.badConfigs, value(2)]),
    pick([undefined, value(0)]),
    pick([undefined, value(0)]),
  ],
  findLabelErrors: () => [
    pick([{ configPath: path() }, ...fixtures.badConfigs, value(2)]),
    options(),
    pick([undefined, value(0)]),
    pick([undefined, value(0)]),
  ],
  predict: () => [candles(), pick([{ registry: registry() }, { registry: registry(), ...options() }, value(1)])],
  predictBatch: () => [
    pick([
      Array.from({ length: int(6) }, () =>
        pick([{ candles: candles(), options: { registry: registry(), perCandle: next() < 0.5 } }, value(1)]),
      ),
      value(1),
    ]),
  ],
  modelInfo: () => [pick([undefined, ...STRINGS, value(0)]), registry()],
  modelRequirements: () => [pick([undefined, ...STRINGS, value(0)]), registry()],
  listModels: () => [registry()],
  promote: () => [pick(['v0001', '1', 'champion', value(0)]), registry()],
  parseDateUtc: () => [pick([...STRINGS, '2024-01-02T10:30:00+02:00', '1/4/1999', value(1)])],
  resolveTimeValues: () => [
    pick([Array.from({ length: int(8) }, () => pick([...NUMBERS, ...STRINGS, value(0)])), value(1)]),
    pick([typedArray(int(20)), value(1)]),
    pick([undefined, 'auto', 'ms', 's', 'index', value(0)]),
  ],
  CancelToken: () => [],
};

async function call(args) {
  if (name === 'CancelToken') {
    const t = next() < 0.5 ? engine.CancelToken(...args) : new engine.CancelToken(...args);
    t.cancel();
    return t.cancelled;
  }
  return engine[name](...args);
}

function describeError(error) {
  return { code: error && error.code, message: String(error && error.message).slice(0, 300) };
}

(async () => {
  const calls = Number(callsText);
  for (let i = 0; i < calls; i++) {
    const args = ARGS[name]();
    process.stdout.write(`${JSON.stringify({ start: i })}\n`);
    const t0 = Date.now();
    let outcome;
    try {
      await call(args);
      outcome = { ok: true };
    } catch (error) {
      outcome = describeError(error);
    }
    process.stdout.write(`${JSON.stringify({ done: i, ms: Date.now() - t0, outcome })}\n`);
  }
})();
