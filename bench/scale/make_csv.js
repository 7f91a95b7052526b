// Writes ROWS synthetic 1-minute OHLCV candles as CSV (ISO-8601 UTC time, 4-decimal prices), the
// shape of a broker's 1-minute export: a seeded random walk, so every run writes the same bytes.
// Streams in chunks (a 10M-row file is ≈ 0.6 GB, past V8's longest string).
//   node bench/scale/make_csv.js OUT.csv ROWS [SEED]
const fs = require('node:fs');

const [out, rowsArg, seedArg] = process.argv.slice(2);
const rows = Number(rowsArg);
if (!out || !Number.isInteger(rows) || rows <= 0) {
  console.error('usage: node bench/scale/make_csv.js OUT.csv ROWS [SEED]');
  process.exit(2);
}

// xorshift32 on plain numbers: BigInt xorshift64 (bench/lib/synthetic.js) is ≈ 20× slower at 10M rows.
let state = Number(seedArg ?? 20261204) >>> 0 || 1;
function random() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}

const round4 = (x) => Math.round(x * 10000) / 10000;
const start = Date.UTC(2010, 0, 4);
const fd = fs.openSync(out, 'w');
fs.writeSync(fd, 'time,open,high,low,close,volume\n');
let close = 100;
let chunk = [];
for (let i = 0; i < rows; i++) {
  const open = round4(close * (1 + (random() - 0.5) * 0.002));
  close = round4(open * (1 + (random() - 0.5) * 0.004));
  const high = Math.max(round4(Math.max(open, close) * (1 + random() * 0.002)), open, close);
  const low = Math.min(round4(Math.min(open, close) * (1 - random() * 0.002)), open, close);
  const volume = Math.round(random() * 1e4) + 1;
  chunk.push(`${new Date(start + i * 60_000).toISOString()},${open},${high},${low},${close},${volume}`);
  if (chunk.length === 100_000) {
    fs.writeSync(fd, chunk.join('\n') + '\n');
    chunk = [];
  }
}
if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
fs.closeSync(fd);
console.log(JSON.stringify({ file: out, rows, bytes: fs.statSync(out).size }));
