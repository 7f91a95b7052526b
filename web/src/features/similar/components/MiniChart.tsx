import type { MiniCandles } from '../types';

/** A thumbnail candlestick chart of a few dozen bars (SVG, scaled to its own range). */
export function MiniChart({
  candles,
  width = 112,
  height = 36,
}: {
  candles: MiniCandles;
  width?: number;
  height?: number;
}) {
  const n = candles.close.length;
  const hi = Math.max(...candles.high);
  const lo = Math.min(...candles.low);
  const y = (v: number) => (hi === lo ? height / 2 : 1 + ((hi - v) / (hi - lo)) * (height - 2));
  const step = width / Math.max(n, 1);
  const body = Math.max(1, step * 0.6);
  return (
    <svg className="mini-chart" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden>
      {candles.close.map((close, i) => {
        const open = candles.open[i];
        const x = i * step + step / 2;
        const up = close >= open;
        const top = y(Math.max(open, close));
        return (
          <g key={i} className={up ? 'up' : 'down'}>
            <line x1={x} x2={x} y1={y(candles.high[i])} y2={y(candles.low[i])} />
            <rect x={x - body / 2} y={top} width={body} height={Math.max(1, y(Math.min(open, close)) - top)} />
          </g>
        );
      })}
    </svg>
  );
}
