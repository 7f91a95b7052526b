// Types of the addon's contract that have no Rust twin: the train config as the binding accepts
// it, and the row views the web app builds from the addon's column results. Everything else in
// the addon's typings is generated from the engine's serde types
// (crates/engine/tests/addon_types.rs writes dts-header.d.ts from this file and those types).

/** `train`'s config: a YAML file, or the same structure as an object (paths relative to rootDir). */
export type TrainConfig = { configPath: string } | { config: Record<string, unknown>; rootDir?: string };

/**
 * One auto-label span as a row: the row view of `LabelSpans` (the web app builds these for its
 * HTTP responses; `autoLabel` itself returns columns).
 */
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

/** One predicted span as a row: the row view of `PredictedSpans` (built by the web app). */
export interface PredictedSpan {
  start: number;
  end: number;
  startTime: number;
  endTime: number;
  label: string;
  confidence: number;
}
