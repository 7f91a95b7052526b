import path from 'node:path';
import { train } from '@candle-annotator/engine';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Trains the small model the Label Studio route tests serve (AAPL daily, TA-Lib engulfing and doji
 * labels, 20 LightGBM rounds) into `registry` under `name`; returns its version. `threads`: the
 * model library's threads (the engine's default when absent).
 */
export async function trainSmallLsModel(
  registry: string,
  name: string,
  { threads }: { threads?: number } = {},
): Promise<string> {
  const outcome = await train({
    rootDir: REPO_ROOT,
    config: {
      seed: 7,
      data: { series: [{ path: 'data/samples/aapl_daily.csv', symbol: 'AAPL', timeframe: '1d' }] },
      features: { geometry: true, indicators: true, patterns: false, lags: 2 },
      labels: {
        annotations: [],
        talib: { patterns: ['engulfing', 'doji'], directions: ['bullish', 'bearish'] },
        min_examples: 10,
      },
      dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(registry, 'dataset') },
      split: { train: 0.7, validation: 0.15, test: 0.15 },
      model: { type: 'lightgbm', rounds: 20, learning_rate: 0.1, num_leaves: 15, ...(threads ? { threads } : {}) },
      registry: { root: registry, name },
    },
  });
  return outcome.version;
}
