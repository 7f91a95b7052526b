'use client';
import type { RefObject } from 'react';
import { STRIP_FAINT, STRIP_STRONG, legendEnds, type StripMode, type StripValues } from '../lib/confidenceStrip';
import type { UncertaintyMetric } from '../lib/predictionLogic';
import type { StripSettings } from '../lib/stripSettings';

export interface ConfidenceStripControlsProps {
  settings: StripSettings;
  onChange: (patch: Partial<StripSettings>) => void;
  /** The active-learning metric, which the uncertainty strip follows. */
  metric: UncertaintyMetric;
  values: StripValues | null;
  hasPrediction: boolean;
  /** The legend element: the overlay writes the number of cells drawn into its `data-cells`. */
  legendRef: RefObject<HTMLDivElement | null>;
}

/** The confidence strip's switches and, while it is on, its legend. */
export function ConfidenceStripControls(props: ConfidenceStripControlsProps) {
  const { settings, onChange, metric, values, hasPrediction, legendRef } = props;
  const legend = values ? legendEnds(values) : null;
  return (
    <>
      <div className="row">
        <label className="check" title="A band along the bottom of the chart: the model's confidence for each candle">
          <input
            type="checkbox"
            checked={settings.on}
            onChange={(e) => onChange({ on: e.target.checked })}
            data-testid="toggle-confidence-strip"
          />{' '}
          Confidence strip
        </label>
        <select
          value={settings.mode}
          onChange={(e) => onChange({ mode: e.target.value as StripMode })}
          aria-label="Confidence strip shows"
          data-testid="confidence-strip-mode"
          disabled={!settings.on}
        >
          <option value="confidence">top-class probability</option>
          <option value="uncertainty">uncertainty ({metric})</option>
        </select>
        <label className="check" title="Colour each candle by its predicted label">
          <input
            type="checkbox"
            checked={settings.tint}
            onChange={(e) => onChange({ tint: e.target.checked })}
            disabled={!settings.on}
            data-testid="confidence-strip-tint"
          />{' '}
          label colours
        </label>
      </div>
      {settings.on ? (
        <div
          className="strip-legend"
          ref={legendRef}
          data-testid="confidence-strip-legend"
          data-mode={settings.mode}
          data-metric={metric}
          data-cells="0"
        >
          {legend && values?.count ? (
            <>
              <span className="muted">{legend.title}</span>
              <span data-testid="strip-legend-faint">{legend.faint}</span>
              <span
                className="strip-gradient"
                style={{
                  background: `linear-gradient(to right, ${STRIP_FAINT}, ${settings.tint ? '#94a3b8' : STRIP_STRONG[settings.mode]})`,
                }}
              />
              <span data-testid="strip-legend-strong">{legend.strong}</span>
              {settings.tint ? <span className="muted">hue: predicted label</span> : null}
            </>
          ) : (
            <span className="muted">
              {hasPrediction ? 'This model gave no per-candle output.' : 'No predictions yet.'}
            </span>
          )}
        </div>
      ) : null}
    </>
  );
}
