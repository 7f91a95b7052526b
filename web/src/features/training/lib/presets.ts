/**
 * Training presets for "Train from the UI". Features, dataset encoding and balancing follow
 * config/pipeline.yaml (docs/training.md): TA-Lib pattern features `auto` (on for the user's own
 * labels, off when every label is a TA-Lib auto-label), the `end` encoding (spans learnt at their
 * last candle and decoded with their learnt lengths; nested spans of different labels train), no
 * look-ahead. The presets differ in model size and rounds.
 */
export const PRESETS = {
  fast: {
    model: { type: 'lightgbm', rounds: 20, learning_rate: 0.15, num_leaves: 15, min_samples_leaf: 20 },
    lags: 2,
    talib: ['engulfing', 'harami', 'hammer', 'doji'],
  },
  standard: {
    // The window model (docs/models.md): long chart patterns as well as candlestick patterns.
    model: {
      type: 'window',
      rounds: 200,
      learning_rate: 0.05,
      num_leaves: 31,
      min_samples_leaf: 20,
      feature_subsample: 0.8,
      early_stopping_rounds: 30,
    },
    lags: 5,
    talib: ['engulfing', 'harami', 'morningstar', 'eveningstar', 'piercing', 'hammer', 'shootingstar', 'doji'],
  },
} as const;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export interface SeriesFile {
  path: string;
  symbol: string;
}

export interface TrainingConfigInput {
  preset: PresetName;
  series: SeriesFile[];
  annotationsFile: string | null;
  includeTalib: boolean;
  minExamples: number;
  outputDir: string;
  registryRoot: string;
  seed?: number;
}

/** The engine pipeline config (docs/training.md) of one UI training run. */
export function buildTrainingConfig(input: TrainingConfigInput): Record<string, unknown> {
  const preset = PRESETS[input.preset];
  const labels: Record<string, unknown> = {
    annotations: input.annotationsFile ? [input.annotationsFile] : [],
    min_examples: input.minExamples,
  };
  if (input.includeTalib) labels.talib = { patterns: [...preset.talib], directions: ['bullish', 'bearish'] };
  return {
    seed: input.seed ?? 42,
    data: { series: input.series.map((s) => ({ path: s.path, symbol: s.symbol })) },
    features: { geometry: true, indicators: true, patterns: 'auto', lags: preset.lags },
    labels,
    dataset: { encoding: 'end', window: 3, lookahead: 0, output_dir: input.outputDir },
    // Time split per series (no held-out instrument: the UI may train on a single dataset).
    split: { train: 0.7, validation: 0.15, test: 0.15 },
    balance: { mode: 'class_weights', max_weight: 50 },
    model: { ...preset.model },
    evaluation: { min_span_len: 1 },
    registry: { root: input.registryRoot, name: 'candle-patterns' },
  };
}
