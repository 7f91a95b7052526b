export interface PatternReportRow {
  pattern: string;
  label: string;
  count: number;
  coverage: number;
  overlaps: number;
  conflicts: number;
  precision: number | null;
  recall: number | null;
}

export interface AutoLabelRun {
  id: number;
  datasetId: number;
  options: { patterns: string[]; minStrength: number | null; humanSpans: number };
  report: PatternReportRow[];
  summary: { candles: number; spans: number; coverage: number; conflictCandles: number } | null;
  createdAt: number;
}

export interface AutoLabelResponse {
  run: AutoLabelRun;
  spanCount: number;
  createdLabels: string[];
}
