import 'server-only';
/**
 * The ONE importer of the native engine addon (`@candle-annotator/engine`, see docs/engine-api.md).
 * Everything else in the web app goes through the typed functions below. Node.js runtime only;
 * next.config.ts lists the package in serverExternalPackages so it is required, never bundled.
 */
import * as addon from '@candle-annotator/engine';

/** OHLCV as Float64Array columns; time = epoch milliseconds UTC, strictly increasing. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface ImportOptions {
  onInvalidRow?: 'fail' | 'skip';
  symbol?: string;
  timeframe?: string;
}
export interface ImportedSeries {
  symbol?: string | null;
  timeframe?: string | null;
  candles: CandleColumns;
}
export interface RejectedRow {
  row: number;
  reason: string;
}
export interface ImportDetected {
  delimiter: string;
  headerLine: number;
  timeFormat: string;
  columns: Record<string, string | null | undefined>;
  newestFirst: boolean;
  ignoredColumns: string[];
  bannerLines: number;
}
export interface ImportResult {
  series: ImportedSeries[];
  rejected: RejectedRow[];
  detected: ImportDetected;
}
export interface PatternInfo {
  name: string;
  label: string;
  candles: number;
}
export interface HumanSpan {
  start: number;
  end: number;
  label: string;
}
export interface LabelSpan {
  start: number;
  end: number;
  startTime: number;
  endTime: number;
  label: string;
  direction: 'bullish' | 'bearish';
  strength: number;
  source: 'talib';
}
export interface PatternReport {
  pattern: string;
  label: string;
  count: number;
  coverage: number;
  overlaps: number;
  conflicts: number;
  precision?: number | null;
  recall?: number | null;
}
export interface AutoLabelOptions {
  patterns?: string[];
  minStrength?: number;
  humanSpans?: HumanSpan[];
}
export interface AutoLabelResult {
  spans: LabelSpan[];
  report: PatternReport[];
  summary?: { candles: number; spans: number; coverage: number; conflictCandles: number };
}

interface EngineBinding {
  importCsv(bytes: Buffer, options?: ImportOptions): Promise<ImportResult>;
  importCsvFile(path: string, options?: ImportOptions): Promise<ImportResult>;
  validateCandles(candles: CandleColumns): void;
  listPatterns(): PatternInfo[];
  autoLabel(candles: CandleColumns, options?: AutoLabelOptions): Promise<AutoLabelResult>;
}

const engine = addon as unknown as EngineBinding;

/** An error thrown by the engine: `code` is one of the contract's stable codes. */
export interface EngineError extends Error {
  code: string;
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The engine rejects unknown keys; undefined ones are simply left out. */
function compact<T extends object>(options: T | undefined): T | undefined {
  if (!options) return undefined;
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

export function importCsv(bytes: Buffer, options?: ImportOptions): Promise<ImportResult> {
  return engine.importCsv(bytes, compact(options));
}

export function importCsvFile(file: string, options?: ImportOptions): Promise<ImportResult> {
  return engine.importCsvFile(file, compact(options));
}

export function validateCandles(candles: CandleColumns): void {
  engine.validateCandles(candles);
}

let patternCache: PatternInfo[] | undefined;
export function listPatterns(): PatternInfo[] {
  patternCache ??= engine.listPatterns();
  return patternCache;
}

export function autoLabel(candles: CandleColumns, options?: AutoLabelOptions): Promise<AutoLabelResult> {
  return engine.autoLabel(candles, compact(options));
}
