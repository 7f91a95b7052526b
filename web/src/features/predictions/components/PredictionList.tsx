'use client';
import { formatDay } from '@/shared/format';
import { keyFor } from '@/shared/shortcuts';
import type { FeedbackAction } from '../lib/feedback';
import type { PredSpan } from '../lib/predictionLogic';

/** At most this many rows: the chart shows them all, the list is for picking. */
const MAX_ROWS = 200;

/** The selected prediction with its feedback buttons (the keys are in the shortcut registry). */
export function SelectedPrediction(props: {
  prediction: PredSpan;
  modelTag: string;
  onFeedback: (action: FeedbackAction) => void;
}) {
  const { prediction, modelTag, onFeedback } = props;
  return (
    <div className="pred-selected" data-testid="selected-prediction">
      <strong>{prediction.label}</strong> {Math.round(prediction.confidence * 100)}% · {modelTag}
      <div className="row">
        <button type="button" className="btn small" onClick={() => onFeedback('confirm')} data-testid="pred-confirm">
          Confirm ({keyFor('confirm-prediction')})
        </button>
        <button type="button" className="btn small" onClick={() => onFeedback('correct')} data-testid="pred-correct">
          Correct ({keyFor('correct-prediction')})
        </button>
        <button type="button" className="btn small" onClick={() => onFeedback('dismiss')} data-testid="pred-dismiss">
          Dismiss ({keyFor('dismiss-prediction')})
        </button>
      </div>
    </div>
  );
}

/** The visible predictions, one row each; a click selects one and shows it on the chart. */
export function PredictionList(props: {
  predictions: readonly PredSpan[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="pred-list">
      {props.predictions.slice(0, MAX_ROWS).map((p) => (
        <li key={p.id}>
          <button
            type="button"
            className={`pred-row${p.id === props.selectedId ? ' selected' : ''}`}
            onClick={() => props.onSelect(p.id)}
            data-testid="prediction-row"
          >
            <span>{p.label}</span>
            <span>{Math.round(p.confidence * 100)}%</span>
            <span className="muted">{formatDay(p.startTime)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
