'use client';
import { forwardRef, useImperativeHandle, useState } from 'react';
import { formatCount, formatTime } from '@/shared/format';
import type { VisibleWindow } from '@/features/chart';

export interface ViewInfoHandle {
  show(window: VisibleWindow | null): void;
}

/** Status-bar readout of what the chart shows (updated imperatively while panning). */
export const ViewInfo = forwardRef<ViewInfoHandle, { timeframe: string | null }>(function ViewInfo({ timeframe }, ref) {
  const [w, setW] = useState<VisibleWindow | null>(null);
  useImperativeHandle(ref, () => ({ show: setW }), []);
  if (!w) return null;
  const aggregated = w.candles > w.bars;
  return (
    <span data-testid="view-info">
      {formatCount(w.candles)} candles in view · {formatTime(w.fromTime, timeframe)} → {formatTime(w.toTime, timeframe)}
      {aggregated ? (
        <span className="warn-text">
          {' '}
          · zoomed out: bars aggregate ~{Math.round(w.candles / w.bars)} candles (zoom in to label)
        </span>
      ) : null}
    </span>
  );
});
