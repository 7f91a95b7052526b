const path = require('node:path');
const engine = require('..');

const SAMPLES = path.join(__dirname, '..', 'data', 'samples');

/** Imports a real sample file; rows that break the candle rules are skipped (and listed). */
async function loadSample(file) {
  const result = await engine.importCsvFile(path.join(SAMPLES, file), { onInvalidRow: 'skip' });
  return result.series[0].candles;
}

/** Candles `[start, end)` as new typed-array columns. */
function sliceCandles(c, start, end) {
  const out = {};
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume']) out[k] = c[k].slice(start, end);
  return out;
}

/** A deterministic random walk (xorshift), for sizes the samples do not have. */
function syntheticCandles(n, seed = 42) {
  let s = BigInt(seed);
  const next = () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return Number(s % 10000n) / 10000;
  };
  const c = {};
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume']) c[k] = new Float64Array(n);
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close * (1 + (next() - 0.5) * 0.01);
    close = open * (1 + (next() - 0.5) * 0.03);
    c.time[i] = 946684800000 + i * 60000;
    c.open[i] = open;
    c.close[i] = close;
    c.high[i] = Math.max(open, close) * (1 + next() * 0.01);
    c.low[i] = Math.min(open, close) * (1 - next() * 0.01);
    c.volume[i] = Math.round(next() * 1e6);
  }
  return c;
}

/** Resolves to the rejection's error (fails the test if the promise resolves). */
async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, got a value');
}

function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `probe()` holds, checking every 50 ms; fails after `ms`. */
async function waitFor(what, probe, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (probe()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Progress and worker events reach JS through a threadsafe function, a queue of its own: the
 * call's promise can settle before its last events have run (docs/engine-api.md). Waits for them.
 */
const lastEvent = (events, expected) =>
  waitFor(`the event ${JSON.stringify(expected)}`, () => {
    const last = events.at(-1);
    return last !== undefined && Object.entries(expected).every(([k, v]) => last[k] === v);
  });

/** Typed-array check that works across Jest's VM realms (where instanceof does not). */
const isFloat64Array = (x) => Object.prototype.toString.call(x) === '[object Float64Array]';

/** `Float64Array`, `Uint32Array`, `Array`…: a value's class, across Jest's VM realms. */
const className = (x) => Object.prototype.toString.call(x).slice(8, -1);

/**
 * A columns result (spans, issues) as one object per row: row i takes the i-th value of every
 * column, and a `label` code is looked up in `labels`.
 */
function rows(columns) {
  const keys = Object.keys(columns).filter((k) => k !== 'labels');
  const n = columns[keys[0]].length;
  return Array.from({ length: n }, (_, i) => {
    const row = {};
    for (const k of keys) row[k] = k === 'label' && columns.labels ? columns.labels[columns[k][i]] : columns[k][i];
    return row;
  });
}

module.exports = {
  className,
  isFloat64Array,
  engine,
  lastEvent,
  loadSample,
  rows,
  sliceCandles,
  syntheticCandles,
  rejection,
  thrown,
  sleep,
  waitFor,
  SAMPLES,
};
