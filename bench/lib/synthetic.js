// Synthetic 1-minute candles for the benchmarks: deterministic random walks as CSV text.

/** xorshift64: a reproducible walk per series. */
function walk(n, seed, startTime) {
  let s = BigInt(seed) | 1n;
  const next = () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return Number(s % 1000000n) / 1000000;
  };
  const lines = ['time,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close * (1 + (next() - 0.5) * 0.004);
    close = open * (1 + (next() - 0.5) * 0.012);
    const high = Math.max(open, close) * (1 + next() * 0.004);
    const low = Math.min(open, close) * (1 - next() * 0.004);
    const r = (x) => Math.round(x * 10000) / 10000;
    // rounding may pull high/low inside open/close: keep the candle valid
    const o = r(open),
      c = r(close);
    lines.push(
      `${new Date(startTime + i * 60000).toISOString()},${o},${Math.max(r(high), o, c)},${Math.min(r(low), o, c)},${c},${Math.round(next() * 1e5) + 1}`,
    );
  }
  return lines.join('\n') + '\n';
}

module.exports = { walk };
