'use client';
import { keyFor } from '@/shared/shortcuts';
import type { UncertaintyMetric } from '../lib/predictionLogic';

export interface ActiveLearningSectionProps {
  metric: UncertaintyMetric;
  onMetric: (metric: UncertaintyMetric) => void;
  diversity: number;
  onDiversity: (candles: number) => void;
  reviewedCount: number;
  candidateCount: number;
  /** Whether any region (of any metric or skip setting) is stored as reviewed. */
  anyReviewed: boolean;
  onNext: () => void;
  onReset: () => void;
  /** Set when the prediction covers only part of the dataset: candidates come from that part. */
  scopeNote?: string | null;
}

/** "Next uncertain" and its settings, with how many of the uncertain regions were reviewed. */
export function ActiveLearningSection(props: ActiveLearningSectionProps) {
  return (
    <section className="model-section">
      <h3>Active learning</h3>
      <div className="row">
        <button type="button" className="btn small" onClick={props.onNext} data-testid="next-uncertain">
          Next uncertain ({keyFor('next-uncertain')})
        </button>
        <select
          value={props.metric}
          onChange={(e) => props.onMetric(e.target.value as UncertaintyMetric)}
          aria-label="Uncertainty"
          data-testid="uncertainty-metric"
        >
          <option value="entropy">entropy</option>
          <option value="margin">margin</option>
        </select>
        <label>
          skip ±
          <input
            type="number"
            min={0}
            max={500}
            value={props.diversity}
            onChange={(e) => props.onDiversity(Math.max(0, Number(e.target.value) || 0))}
            style={{ width: 48 }}
          />{' '}
          candles
        </label>
      </div>
      <div className="row">
        <span className="muted" data-testid="reviewed-count">
          Reviewed {props.reviewedCount} of {props.candidateCount} uncertain regions
          {props.scopeNote ? ` ${props.scopeNote}` : ''}
        </span>
        {props.anyReviewed ? (
          <button
            type="button"
            className="btn small ghost"
            onClick={props.onReset}
            data-testid="reviewed-reset"
            title="Forget which regions were reviewed for this model version"
          >
            Reset
          </button>
        ) : null}
      </div>
    </section>
  );
}
