import 'server-only';
/**
 * The ONE importer of the native engine addon (`@candle-annotator/engine`, see docs/engine-api.md).
 * Everything else in the web app goes through the typed functions below. Node.js runtime only;
 * next.config.ts lists the package in serverExternalPackages so it is required, never bundled.
 */
import * as addon from '@candle-annotator/engine';

// The addon's own typings (index.d.ts, written in dts-header.d.ts) are the contract: re-exported,
// never re-declared here.
export type {
  AutoLabelOptions,
  AutoLabelResult,
  Candles as CandleColumns,
  HumanSpan,
  ImportDetected,
  ImportedSeries,
  ImportOptions,
  ImportResult,
  LabelErrorReport,
  LabelIssue,
  LabelSpan,
  MetricsSummary,
  ModelInfo,
  ModelRef,
  ModelVersionSummary,
  PatternInfo,
  PatternReport,
  PredictedSpan,
  Prediction,
  PredictOptions,
  PredictRequest,
  TrainOutcome,
  TrainProgress,
} from '@candle-annotator/engine';
import type { AutoLabelOptions, AutoLabelResult, Candles as CandleColumns, ImportOptions, ImportResult, ModelInfo, ModelVersionSummary, PatternInfo, Prediction, PredictOptions, PredictRequest, TrainOutcome, TrainProgress } from '@candle-annotator/engine';

export type RejectedRow = ImportResult['rejected'][number];
export type BatchItemResult = Prediction | { error: { code: string; message: string } };

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
  return addon.importCsv(bytes, compact(options));
}

export function importCsvFile(file: string, options?: ImportOptions): Promise<ImportResult> {
  return addon.importCsvFile(file, compact(options));
}

export function validateCandles(candles: CandleColumns): void {
  addon.validateCandles(candles);
}

let patternCache: PatternInfo[] | undefined;
export function listPatterns(): PatternInfo[] {
  patternCache ??= addon.listPatterns();
  return patternCache;
}

export function autoLabel(candles: CandleColumns, options?: AutoLabelOptions): Promise<AutoLabelResult> {
  return addon.autoLabel(candles, compact(options));
}

// ── Inference and the model registry (predict / predictBatch / modelInfo / listModels / promote) ──

export function predict(candles: CandleColumns, options?: PredictOptions): Promise<Prediction> {
  return addon.predict(candles, compact(options));
}

/** Each item resolves to a prediction or `{ error: { code, message } }`; one bad item does not fail the rest. */
export function predictBatch(requests: PredictRequest[]): Promise<BatchItemResult[]> {
  return addon.predictBatch(requests.map((r) => ({ candles: r.candles, options: compact(r.options) })));
}

export function modelInfo(versionOrAlias?: string, registry?: string): Promise<ModelInfo> {
  return addon.modelInfo(versionOrAlias, registry);
}

export function listModels(registry?: string): Promise<ModelVersionSummary[]> {
  return addon.listModels(registry);
}

export function promote(version: string, registry?: string): Promise<ModelVersionSummary> {
  return addon.promote(version, registry);
}

/** Trains a registry version from a pipeline config (used by tests and tooling, not by routes). */
export function train(config: { config: Record<string, unknown>; rootDir?: string } | { configPath: string }): Promise<TrainOutcome> {
  return addon.train(config);
}

// ── Training with progress and cancellation (the training job service) ──

/** Stops a training run at the engine's next check (between stages and boosting rounds): `CANCELLED`. */
export type CancelToken = addon.CancelToken;

export function createCancelToken(): CancelToken {
  return new addon.CancelToken();
}

/** Trains off the JS thread; `onProgress` gets (stage, overall fraction 0..1); cancel via the token. */
export function trainWithProgress(
  config: { config: Record<string, unknown>; rootDir?: string },
  onProgress: (p: TrainProgress) => void,
  cancel: CancelToken,
): Promise<TrainOutcome> {
  return addon.train(config, onProgress, cancel);
}

// ── Label-error finder (cross-validated self-confidence of human spans) ──

/** Cross-validates the pipeline off the JS thread and ranks its human spans, least self-confident first. */
export function findLabelErrors(
  config: { config: Record<string, unknown>; rootDir?: string },
  options: { folds?: number },
  onProgress: (p: TrainProgress) => void,
  cancel: CancelToken,
): Promise<addon.LabelErrorReport> {
  return addon.findLabelErrors(config, options, onProgress, cancel);
}
