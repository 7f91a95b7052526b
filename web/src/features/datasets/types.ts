import type { ImportDetected, RejectedRow } from '@/server/engine';

export type { ImportDetected, RejectedRow };

/** What the importer saw and did; stored with the dataset and shown after an upload. */
export interface ImportReport {
  fileName?: string;
  onInvalidRow?: 'fail' | 'skip';
  rowsImported?: number;
  rejectedCount?: number;
  /** The first rejected rows (the full count is in rejectedCount). */
  rejected?: RejectedRow[];
  detected?: ImportDetected;
}

export interface Dataset {
  id: number;
  projectId: number;
  name: string;
  symbol: string | null;
  timeframe: string | null;
  sourceFile: string | null;
  candleCount: number;
  firstTime: number | null;
  lastTime: number | null;
  isDemo: boolean;
  annotationCount: number;
  importReport: ImportReport;
  createdAt: number;
  updatedAt: number;
}

/** Candles as columns. With bucketSize > 1 each entry aggregates bucketSize candles (OHLC), and endTime is its last candle's time. */
export interface CandleColumnsJson {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  endTime?: number[];
}

export interface CandleQueryResult {
  datasetId: number;
  /** Candles in [from, to] before any aggregation. */
  total: number;
  /** 1 = raw candles; n = each point aggregates n consecutive candles. */
  bucketSize: number;
  candles: CandleColumnsJson;
}

/** The dry run of an upload: what would be imported. */
export interface ImportPreview {
  series: Array<{
    symbol: string | null;
    timeframe: string | null;
    candleCount: number;
    firstTime: number | null;
    lastTime: number | null;
  }>;
  rejectedCount: number;
  rejected: RejectedRow[];
  detected: ImportDetected;
  /** The id an Import may name (`staged`) instead of sending the file again; absent when not kept. */
  stagedId?: string;
}
