/** A label-error run as the API returns it (see docs/label-errors.md). */
export type RunState = 'running' | 'succeeded' | 'failed' | 'cancelled';
/** A stored decision; relabelled and removed spans are read off the spans themselves. */
export type ReviewDecision = 'kept';

/** One human span, scored by the cross-validated model. */
export interface LabelErrorItem {
  /** 1 = most likely mislabelled. */
  rank: number;
  annotationId: string;
  datasetId: number;
  /** Epoch ms of the span's first and last candle. */
  start: number;
  end: number;
  /** The span's label when the run ran. */
  labelId: number;
  label: string;
  /** Mean out-of-fold probability of the given label over the span's candles. */
  selfConfidence: number;
  /** `null` = the model sees no pattern here; otherwise the most probable other label. */
  suggestedLabel: string | null;
  /** The app label matching `suggestedLabel`, when one exists. */
  suggestedLabelId: number | null;
  suggestedProbability: number;
  /** Another label (or "no pattern") reaches its own confidence threshold here. */
  likelyError: boolean;
}

export interface LabelErrorSummary {
  folds: number;
  modelType: string;
  scored: number;
  likelyErrors: number;
  /** Spans in the feature warm-up, which get no score. */
  unscored: number;
  outOfFoldAccuracy: number;
  /** Per label (engine names) and `background`: the confidence a span of it needs. */
  thresholds: Record<string, number>;
  warnings: string[];
}

export interface LabelErrorRun {
  id: string;
  state: RunState;
  stage: string;
  fraction: number;
  preset: string;
  folds: number;
  includeTalib: boolean;
  datasetIds: number[];
  startedAt: number;
  finishedAt: number | null;
  summary: LabelErrorSummary | null;
  items: LabelErrorItem[];
  /** Decisions per annotation id. */
  reviews: Record<string, ReviewDecision>;
  error: { code: string; message: string } | null;
}
