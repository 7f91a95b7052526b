import { seededRandom } from './seededRandom';

/** A deterministic random-walk OHLCV CSV with `n` rows of `stepMs` candles. */
export function syntheticCsv(n: number, stepMs = 60_000, start = Date.UTC(2020, 0, 1)): string {
  const rand = seededRandom(42);
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
