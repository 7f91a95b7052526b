'use client';
import { forwardRef, useImperativeHandle, useState } from 'react';
import { formatCount, formatPrice, formatTime, formatVolume } from '@/shared/format';
import type { BarReadout } from '../lib/chartBars';

export interface OhlcvLegendHandle {
  show(bar: BarReadout | null): void;
}

interface Props {
  title: string;
  timeframe: string | null;
  /** Shown when the crosshair is off the chart (usually the last bar). */
  fallback: BarReadout | null;
}

/** The crosshair readout: time, O H L C, change and volume of the bar under the cursor. */
export const OhlcvLegend = forwardRef<OhlcvLegendHandle, Props>(function OhlcvLegend(
  { title, timeframe, fallback },
  ref,
) {
  const [hovered, setHovered] = useState<BarReadout | null>(null);
  useImperativeHandle(ref, () => ({ show: setHovered }), []);
  const bar = hovered ?? fallback;
  const dir = bar && bar.close >= bar.open ? 'up' : 'down';
  return (
    <div className="legend" data-testid="ohlcv-legend">
      <span className="symbol">{title}</span>
      {bar ? (
        <>
          <span>
            {formatTime(bar.time, timeframe)}
            {bar.size > 1 ? (
              <span className="agg">
                {' '}
                – {formatTime(bar.endTime, timeframe)} ({formatCount(bar.size)} candles)
              </span>
            ) : null}
          </span>
          <span>
            O <b className={dir}>{formatPrice(bar.open)}</b>
          </span>
          <span>
            H <b className={dir}>{formatPrice(bar.high)}</b>
          </span>
          <span>
            L <b className={dir}>{formatPrice(bar.low)}</b>
          </span>
          <span>
            C <b className={dir}>{formatPrice(bar.close)}</b>
          </span>
          {bar.changePct !== null ? (
            <span className={bar.changePct >= 0 ? 'up' : 'down'}>
              {bar.changePct >= 0 ? '+' : ''}
              {bar.changePct.toFixed(2)}%
            </span>
          ) : null}
          <span>
            V <b>{formatVolume(bar.volume)}</b>
          </span>
        </>
      ) : null}
    </div>
  );
});
