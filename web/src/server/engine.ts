import 'server-only';
/**
 * The ONE importer of the native engine addon (`@candle-annotator/engine`, see docs/engine-api.md).
 * Everything else in the web app goes through the typed functions below. Node.js runtime only;
 * next.config.ts lists the package in serverExternalPackages so it is required, never bundled.
 */
import './engineAllocator';
import * as addon from '@candle-annotator/engine';

// The addon's own typings (index.d.ts, written in dts-header.d.ts) are the contract: re-exported,
// never re-declared here. The addon returns its large results (spans, per-candle output, ranked
// issues) as typed-array columns; the HTTP API speaks rows, so this module converts them once,
// into the row views the addon's typings also describe (`LabelSpan`, `PredictedSpan`, `LabelIssue`).
export type {
  AnnotationRecord,
  AutoLabelOptions,
  AutoLabelSummary,
  Candles as CandleColumns,
  DetectedColumns,
  EngineErrorCode,
  HumanSpan,
  ImportAmbiguity,
  ImportDetected,
  ImportedSeries,
  ImportOptions,
  ImportResult,
  LabelIssue,
  LabelSpan,
  MetricsSummary,
  ModelFallback,
  ModelInfo,
  ModelRef,
  ModelRequirements,
  ModelVersionSummary,
  PatternInfo,
  PatternReport,
  PredictedSpan,
  PredictOptions,
  PredictRequest,
  TimeUnit,
  TrainOutcome,
  TrainProgress,
} from '@candle-annotator/engine';
import type {
  AutoLabelOptions,
  AutoLabelSummary,
  Candles as CandleColumns,
  ImportOptions,
  ImportResult,
  LabelIssue,
  LabelSpan,
  ModelInfo,
  ModelRef,
  ModelRequirements,
  ModelVersionSummary,
  PatternInfo,
  PatternReport,
  PredictedSpan,
  PredictOptions,
  PredictRequest,
  TimeUnit,
  TrainOutcome,
  TrainProgress,
} from '@candle-annotator/engine';

/** `autoLabel`'s result in rows (the addon's `LabelSpans` columns, one object per span). */
export interface AutoLabelResult {
  spans: LabelSpan[];
  report: PatternReport[];
  summary: AutoLabelSummary;
}

/** Per-candle output in rows: `probabilities[i]` is candle i's class distribution; null: no prediction. */
export interface PerCandleRows {
  classNames: string[];
  probabilities: Array<number[] | null>;
  entropy: Array<number | null>;
  margin: Array<number | null>;
}

/** A prediction in rows, as `/api/predict` returns it. */
export interface Prediction {
  spans: PredictedSpan[];
  perCandle?: PerCandleRows;
  model: ModelRef;
  /** Present when the requested alias could not be served and another version answered. */
  fallback?: addon.ModelFallback;
}

/** The label-error finder's report in rows. */
export interface LabelErrorReport extends Omit<addon.LabelErrorReport, 'issues' | 'unscored'> {
  issues: LabelIssue[];
  unscored: Array<{ id: string | null; series: string; start: number; end: number; label: string }>;
}

const finiteOrNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function labelSpanRows(s: addon.LabelSpans): LabelSpan[] {
  return Array.from(s.start, (start, i) => ({
    start,
    end: s.end[i],
    startTime: s.startTime[i],
    endTime: s.endTime[i],
    label: s.labels[s.label[i]],
    direction: s.direction[i] > 0 ? ('bullish' as const) : ('bearish' as const),
    strength: s.strength[i],
    source: 'talib' as const,
  }));
}

export function predictionRows(p: addon.Prediction): Prediction {
  const s = p.spans;
  const spans = Array.from(s.start, (start, i) => ({
    start,
    end: s.end[i],
    startTime: s.startTime[i],
    endTime: s.endTime[i],
    label: s.labels[s.label[i]],
    confidence: s.confidence[i],
  }));
  const fallback = p.fallback ? { fallback: p.fallback } : {};
  if (!p.perCandle) return { spans, model: p.model, ...fallback };
  const c = p.perCandle;
  return {
    spans,
    model: p.model,
    ...fallback,
    perCandle: {
      classNames: c.classNames,
      probabilities: Array.from(c.entropy, (_, i) =>
        Number.isNaN(c.entropy[i]) ? null : c.probabilities.map((column) => column[i]),
      ),
      entropy: Array.from(c.entropy, finiteOrNull),
      margin: Array.from(c.margin, finiteOrNull),
    },
  };
}

export function labelErrorReportRows(r: addon.LabelErrorReport): LabelErrorReport {
  const i = r.issues;
  const u = r.unscored;
  return {
    ...r,
    issues: Array.from(i.rank, (rank, k) => ({
      rank,
      id: i.id[k] ?? null,
      series: i.series[k],
      start: i.start[k],
      end: i.end[k],
      startTime: i.startTime[k],
      endTime: i.endTime[k],
      label: i.label[k],
      source: i.source[k],
      selfConfidence: i.selfConfidence[k],
      suggestedLabel: i.suggestedLabel[k],
      suggestedProbability: i.suggestedProbability[k],
      likelyError: i.likelyError[k] === 1,
      rows: i.rows[k],
    })),
    unscored: Array.from(u.start, (start, k) => ({
      id: u.id[k] ?? null,
      series: u.series[k],
      start,
      end: u.end[k],
      label: u.label[k],
    })),
  };
}

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

/**
 * A CSV upload assembled in the engine's memory chunk by chunk, which `importCsv` takes without
 * copying it (a Buffer is copied first). Release one that will not be imported.
 */
export const CsvUpload = addon.CsvUpload;
export type CsvUpload = addon.CsvUpload;

export function importCsv(bytes: Buffer | CsvUpload, options?: ImportOptions): Promise<ImportResult> {
  return addon.importCsv(bytes, compact(options));
}

export function importCsvFile(file: string, options?: ImportOptions): Promise<ImportResult> {
  return addon.importCsvFile(file, compact(options));
}

export function validateCandles(candles: CandleColumns): void {
  addon.validateCandles(candles);
}

// ── Times in imports: the engine's one parser (crates/engine/src/time_value.rs) ──

/** Epoch ms of a formatted date (UTC unless it names a zone); null when it is not one. */
export function parseDateUtc(text: string): number | null {
  return addon.parseDateUtc(text);
}

/**
 * Span boundaries as epoch ms, one result per value: numbers (and numeric strings) by `unit`
 * (`auto`: epoch ms, epoch seconds or a candle index into `candleTimes`, by magnitude), other
 * strings as dates.
 */
export function resolveTimeValues(
  values: Array<number | string>,
  candleTimes: Float64Array,
  unit: TimeUnit = 'auto',
): Array<{ time: number } | { error: string }> {
  return addon.resolveTimeValues(values, candleTimes, unit);
}

let patternCache: PatternInfo[] | undefined;
export function listPatterns(): PatternInfo[] {
  patternCache ??= addon.listPatterns();
  return patternCache;
}

export async function autoLabel(candles: CandleColumns, options?: AutoLabelOptions): Promise<AutoLabelResult> {
  const result = await addon.autoLabel(candles, compact(options));
  return { spans: labelSpanRows(result.spans), report: result.report, summary: result.summary };
}

// ── Inference and the model registry (predict / predictBatch / modelInfo / listModels / promote) ──

export async function predict(candles: CandleColumns, options?: PredictOptions): Promise<Prediction> {
  return predictionRows(await addon.predict(candles, compact(options)));
}

/** Each item resolves to a prediction or `{ error: { code, message } }`; one bad item does not fail the rest. */
export async function predictBatch(requests: PredictRequest[]): Promise<BatchItemResult[]> {
  const results = await addon.predictBatch(requests.map((r) => ({ candles: r.candles, options: compact(r.options) })));
  return results.map((r) => ('error' in r ? r : predictionRows(r)));
}

export function modelInfo(versionOrAlias?: string, registry?: string): Promise<ModelInfo> {
  return addon.modelInfo(versionOrAlias, registry);
}

/** The version a name serves and the candles its predictions need (cheap: no metrics read). */
export function modelRequirements(versionOrAlias?: string, registry?: string): Promise<ModelRequirements> {
  return addon.modelRequirements(versionOrAlias, registry);
}

export function listModels(registry?: string): Promise<ModelVersionSummary[]> {
  return addon.listModels(registry);
}

export function promote(version: string, registry?: string): Promise<ModelVersionSummary> {
  return addon.promote(version, registry);
}

/** Trains a registry version from a pipeline config (used by tests and tooling, not by routes). */
export function train(
  config: { config: Record<string, unknown>; rootDir?: string } | { configPath: string },
): Promise<TrainOutcome> {
  return addon.train(config);
}

// ── Training with progress and cancellation (the training job service) ──

/** Trains off the JS thread; `onProgress` gets (stage, overall fraction 0..1); aborting `signal` stops the run at the engine's next check (between stages and boosting rounds) with `CANCELLED`. */
export function trainWithProgress(
  config: { config: Record<string, unknown>; rootDir?: string },
  onProgress: (p: TrainProgress) => void,
  signal: AbortSignal,
): Promise<TrainOutcome> {
  return addon.train(config, onProgress, signal);
}

// ── Label-error finder (cross-validated self-confidence of human spans) ──

/** Cross-validates the pipeline off the JS thread and ranks its human spans, least self-confident first. */
export function findLabelErrors(
  config: { config: Record<string, unknown>; rootDir?: string },
  options: { folds?: number },
  onProgress: (p: TrainProgress) => void,
  signal: AbortSignal,
): Promise<LabelErrorReport> {
  return addon.findLabelErrors(config, options, onProgress, signal).then(labelErrorReportRows);
}

/** The addon's version (health checks). */
export function engineVersion(): string {
  return addon.engineVersion();
}

// ── Query-by-example pattern search (web/src/features/similar) ──

export type {
  SimilarExample,
  SimilarOptions,
  SimilarReport,
  SimilarResult,
  SimilarSpan,
  SimilarStats,
} from '@candle-annotator/engine';

/** Ranks windows of `targets` by shape likeness to the examples, off the JS thread; aborting `signal` (e.g. the request's) stops it with `CANCELLED`. */
export function findSimilar(
  examples: addon.SimilarExample[],
  targets: CandleColumns[],
  options: addon.SimilarOptions,
  signal?: AbortSignal,
): Promise<addon.SimilarResult> {
  return addon.findSimilar(examples, targets, compact(options), undefined, signal);
}
