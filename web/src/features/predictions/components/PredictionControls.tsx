'use client';
import type { ModelVersionSummary } from '@/features/models';

export interface PredictionControlsProps {
  show: boolean;
  onShow: (show: boolean) => void;
  /** A version or an alias (`champion`, `latest`). */
  modelRef: string;
  onModelRef: (ref: string) => void;
  models: readonly ModelVersionSummary[];
  onToggleInfo: () => void;
  minConfidence: number;
  onMinConfidence: (value: number) => void;
  /** One model label to show, or null for all. */
  labelFilter: string | null;
  onLabelFilter: (label: string | null) => void;
  /** The labels the prediction uses. */
  modelLabels: readonly string[];
}

/** Which model predicts, and which of its predictions are drawn. */
export function PredictionControls(props: PredictionControlsProps) {
  return (
    <>
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={props.show}
            onChange={(e) => props.onShow(e.target.checked)}
            data-testid="toggle-predictions"
          />{' '}
          Show
        </label>
        <select
          value={props.modelRef}
          onChange={(e) => props.onModelRef(e.target.value)}
          data-testid="model-picker"
          aria-label="Model"
        >
          <option value="champion">champion</option>
          <option value="latest">latest</option>
          {props.models.map((m) => (
            <option key={m.version} value={m.version}>
              {m.version} · {m.type}
              {m.aliases.length ? ` (${m.aliases.join(', ')})` : ''}
            </option>
          ))}
        </select>
        <button type="button" className="btn small" onClick={props.onToggleInfo} data-testid="model-info-toggle">
          Metrics
        </button>
      </div>
      <label className="row" title="Hide predictions below this confidence">
        Min confidence{' '}
        <input
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={props.minConfidence}
          onChange={(e) => props.onMinConfidence(Number(e.target.value))}
          data-testid="confidence-slider"
        />
        <span data-testid="confidence-value">{Math.round(props.minConfidence * 100)}%</span>
      </label>
      <label className="row">
        Label
        <select
          value={props.labelFilter ?? ''}
          onChange={(e) => props.onLabelFilter(e.target.value || null)}
          data-testid="prediction-label-filter"
        >
          <option value="">all labels</option>
          {props.modelLabels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
