/** A few candles for a thumbnail: OHLC buckets (≤ 60) of a window. */
export interface MiniCandles {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

/** One ranked result of a search: an inclusive candle range of a dataset. */
export interface SimilarMatchView {
  rank: number;
  datasetId: number;
  datasetName: string;
  /** Epoch ms of the first and last candle. */
  start: number;
  end: number;
  candles: number;
  /** 0..1, 1 = the same shape. */
  similarity: number;
  distance: number;
  /** A span of the searched label already covers part of it. */
  labelled: boolean;
  thumbnail: MiniCandles;
}

/** The search as a labelling function (the columns of the TA-Lib report). */
export interface SimilarReportView {
  label: string | null;
  count: number;
  coverage: number;
  overlaps: number;
  conflicts: number | null;
  precision: number | null;
  recall: number | null;
  perDataset: Array<{ datasetId: number; datasetName: string; count: number; coverage: number }>;
}

export interface SimilarResponse {
  query: { datasetId: number; start: number; end: number; candles: number; thumbnail: MiniCandles };
  labelId: number | null;
  matches: SimilarMatchView[];
  report: SimilarReportView;
  stats: { datasets: number; candles: number; windows: number; lengths: number[]; elapsedMs: number };
}

/** A stored search, as a row of a dataset's labelling-function report. */
export interface SimilarRunView {
  id: number;
  queryDatasetId: number;
  labelId: number | null;
  start: number;
  end: number;
  createdAt: number;
  report: SimilarReportView;
  /** Its results in the dataset asked about. */
  dataset: { count: number; coverage: number };
}
