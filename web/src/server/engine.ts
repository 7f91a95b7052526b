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

// ── Inference and the model registry (predict / predictBatch / modelInfo / listModels / promote) ──

export interface PredictOptions {
  /** A version ('v0003', '3') or alias ('champion', 'latest'); 'champion' by default. */
  model?: string;
  minConfidence?: number;
  labels?: string[];
  perCandle?: boolean;
  minLength?: number;
  /** The model registry folder. */
  registry?: string;
}
export interface ModelRef {
  name: string;
  version: string;
  type: 'lightgbm' | 'xgboost' | 'random_forest';
  trainedAt: string;
}
export interface PredictedSpan {
  start: number;
  end: number;
  startTime: number;
  endTime: number;
  label: string;
  confidence: number;
}
export interface Prediction {
  spans: PredictedSpan[];
  perCandle?: { classNames: string[]; probabilities: Array<number[] | null>; entropy: Array<number | null>; margin: Array<number | null> };
  model: ModelRef;
}
export interface MetricsSummary {
  validationMacroF1: number;
  validationSpanF1: number;
  testMacroF1?: number | null;
  testSpanF1?: number | null;
  testBaselineMacroF1?: number | null;
}
export interface ModelInfo extends Omit<ModelRef, 'trainedAt'> {
  aliases: string[];
  trainedAt: string;
  labels: string[];
  classNames: string[];
  featureNames: string[];
  minCandles: number;
  summary: MetricsSummary;
  metrics: Record<string, unknown>;
  plots: string[];
  gitCommit: string | null;
  configHash: string;
  dataHash: string;
}
export interface ModelVersionSummary {
  version: string;
  type: string;
  aliases: string[];
  trainedAt: string;
  labels: string[];
  summary: MetricsSummary;
}
export interface PredictRequest {
  candles: CandleColumns;
  options?: PredictOptions;
}
export type BatchItemResult = Prediction | { error: { code: string; message: string } };
export interface TrainOutcome {
  version: string;
  modelType: string;
  metrics: MetricsSummary;
  championMoved: boolean;
  champion: string | null;
  [key: string]: unknown;
}

interface InferenceBinding {
  predict(candles: CandleColumns, options?: PredictOptions): Promise<Prediction>;
  predictBatch(requests: PredictRequest[]): Promise<BatchItemResult[]>;
  modelInfo(versionOrAlias?: string, registry?: string): Promise<ModelInfo>;
  listModels(registry?: string): Promise<ModelVersionSummary[]>;
  promote(version: string, registry?: string): Promise<ModelVersionSummary>;
  train(config: { config: Record<string, unknown>; rootDir?: string } | { configPath: string }): Promise<TrainOutcome>;
}
const inference = addon as unknown as InferenceBinding;

export function predict(candles: CandleColumns, options?: PredictOptions): Promise<Prediction> {
  return inference.predict(candles, compact(options));
}

/** Each item resolves to a prediction or `{ error: { code, message } }`; one bad item does not fail the rest. */
export function predictBatch(requests: PredictRequest[]): Promise<BatchItemResult[]> {
  return inference.predictBatch(requests.map((r) => ({ candles: r.candles, options: compact(r.options) })));
}

export function modelInfo(versionOrAlias?: string, registry?: string): Promise<ModelInfo> {
  return inference.modelInfo(versionOrAlias, registry);
}

export function listModels(registry?: string): Promise<ModelVersionSummary[]> {
  return inference.listModels(registry);
}

export function promote(version: string, registry?: string): Promise<ModelVersionSummary> {
  return inference.promote(version, registry);
}

/** Trains a registry version from a pipeline config (used by tests and tooling, not by routes). */
export function train(config: { config: Record<string, unknown>; rootDir?: string } | { configPath: string }): Promise<TrainOutcome> {
  return inference.train(config);
}

// ── Training with progress and cancellation (the training job service) ──

export interface TrainProgress {
  stage: string;
  fraction: number;
}
/** Stops a training run at the engine's next check (between stages and boosting rounds): `CANCELLED`. */
export interface CancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}
interface TrainingBinding {
  train(config: { config: Record<string, unknown>; rootDir?: string }, onProgress?: (p: TrainProgress) => void, cancel?: CancelToken): Promise<TrainOutcome>;
  CancelToken: new () => CancelToken;
}
const training = addon as unknown as TrainingBinding;

export function createCancelToken(): CancelToken {
  return new training.CancelToken();
}

/** Trains off the JS thread; `onProgress` gets (stage, overall fraction 0..1); cancel via the token. */
export function trainWithProgress(
  config: { config: Record<string, unknown>; rootDir?: string },
  onProgress: (p: TrainProgress) => void,
  cancel: CancelToken,
): Promise<TrainOutcome> {
  return training.train(config, onProgress, cancel);
}

// ── Label-error finder (cross-validated self-confidence of human spans) ──

export type { LabelErrorReport, LabelIssue } from '@candle-annotator/engine';

/** Cross-validates the pipeline off the JS thread and ranks its human spans, least self-confident first. */
export function findLabelErrors(
  config: { config: Record<string, unknown>; rootDir?: string },
  options: { folds?: number },
  onProgress: (p: TrainProgress) => void,
  cancel: CancelToken,
): Promise<addon.LabelErrorReport> {
  return addon.findLabelErrors(config as addon.TrainConfig, options, onProgress, cancel as addon.CancelToken);
}
