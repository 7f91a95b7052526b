'use client';
import { useEffect, useRef } from 'react';
import { ChartController, type ChartCallbacks } from '../lib/chartController';

interface CandleChartProps {
  /** Receives the controller once the chart exists (null when it is torn down). */
  onReady: (controller: ChartController | null) => void;
  callbacks: ChartCallbacks;
}

/** The chart host: creates the lightweight-charts chart once; everything else goes through the controller. */
export function CandleChart({ onReady, callbacks }: CandleChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  const onReadyRef = useRef(onReady);
  onReadyRef.current = onReady;

  useEffect(() => {
    const host = hostRef.current!;
    const delegate: ChartCallbacks = {
      onCrosshair: (bar) => callbacksRef.current.onCrosshair?.(bar),
      onSelectRange: (range) => callbacksRef.current.onSelectRange?.(range),
      onSpanClick: (id, layer) => callbacksRef.current.onSpanClick?.(id, layer),
      onResizeSpan: (id, range) => callbacksRef.current.onResizeSpan?.(id, range),
      onVisibleWindow: (w) => callbacksRef.current.onVisibleWindow?.(w),
      onOverlayClick: (id) => callbacksRef.current.onOverlayClick?.(id),
    };
    const controller = new ChartController(host, delegate);
    onReadyRef.current(controller);
    return () => {
      onReadyRef.current(null);
      controller.destroy();
    };
  }, []);

  return <div ref={hostRef} className="chart-host" data-testid="chart" data-cursor="crosshair" />;
}
