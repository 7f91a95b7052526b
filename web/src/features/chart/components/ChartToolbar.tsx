'use client';
import { HandIcon } from '@/shared/ui/icons';

interface Props {
  panMode: boolean;
  showTalib: boolean;
  onZoomIn: () => void;
  onZoomOut: () => void;
  onFit: () => void;
  onTogglePan: () => void;
  onToggleTalib: () => void;
  onHome: () => void;
  onEnd: () => void;
}

export function ChartToolbar(p: Props) {
  return (
    <div className="chart-toolbar" role="toolbar" aria-label="Chart">
      <button type="button" className="btn small ghost" title="First candle (Home)" onClick={p.onHome}>
        ⇤
      </button>
      <button type="button" className="btn small ghost" title="Zoom out (−)" onClick={p.onZoomOut}>
        −
      </button>
      <button type="button" className="btn small ghost" title="Zoom in (+)" onClick={p.onZoomIn}>
        +
      </button>
      <button type="button" className="btn small ghost" title="Fit all data (F)" onClick={p.onFit}>
        Fit
      </button>
      <button type="button" className="btn small ghost" title="Last candle (End)" onClick={p.onEnd}>
        ⇥
      </button>
      <span className="sep" />
      <button
        type="button"
        className={`btn small ${p.panMode ? 'active' : 'ghost'}`}
        aria-pressed={p.panMode}
        title="Pan mode: drag pans instead of selecting (H, or hold Space)"
        onClick={p.onTogglePan}
      >
        <HandIcon /> Pan
      </button>
      <button
        type="button"
        className={`btn small ${p.showTalib ? 'active' : 'ghost'}`}
        aria-pressed={p.showTalib}
        title="TA-Lib layer (T)"
        data-testid="toggle-talib"
        onClick={p.onToggleTalib}
      >
        TA-Lib
      </button>
    </div>
  );
}
