/** A deterministic random-walk OHLCV CSV with `n` rows of `stepMs` candles. */
export function syntheticCsv(n: number, stepMs = 60_000, start = Date.UTC(2020, 0, 1)): string {
  let seed = 42;
  const rand = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = ['time,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close * (1 + (rand() - 0.5) * 0.01);
    close = open * (1 + (rand() - 0.5) * 0.02);
    const high = Math.max(open, close) * (1 + rand() * 0.005);
    const low = Math.min(open, close) * (1 - rand() * 0.005);
    lines.push(
      `${new Date(start + i * stepMs).toISOString().slice(0, 19).replace('T', ' ')},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${Math.round(rand() * 1e5)}`,
    );
  }
  return lines.join('\n') + '\n';
}
