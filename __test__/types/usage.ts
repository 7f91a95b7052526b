// Compiled (not run) by types.spec.js: the published typings describe the real API, so callers
// get checked types, not `any`. Lines marked @ts-expect-error must fail to compile.
import * as engine from '../..';

async function usage(bytes: Buffer): Promise<void> {
  const imported: engine.ImportResult = await engine.importCsv(bytes, { onInvalidRow: 'skip' });
  const candles: engine.Candles = imported.series[0].candles;
  const t: Float64Array = candles.time;
  const frame = await engine.computeFeatures(candles, { indicators: ['rsi14'], lags: 2 });
  const warmup: number = frame.warmup;
  const labelled = await engine.autoLabel(candles, { patterns: ['engulfing'], minStrength: 100 });
  const starts: Uint32Array = labelled.spans.start;
  const direction: number = labelled.spans.direction[0];
  const patternLabel: string = labelled.spans.labels[labelled.spans.label[0]];
  const p = await engine.predict(candles, { minConfidence: 0.5, perCandle: true });
  const confidence: number = p.spans.confidence[0];
  const firstClass: Float64Array | undefined = p.perCandle?.probabilities[0];
  const info = await engine.modelInfo('champion');
  const labels: string[] = info.labels;
  const token = new engine.CancelToken();
  const outcome = await engine.train({ configPath: 'config/pipeline.yaml' }, (e) => e.fraction.toFixed(2), token);
  const version: string = outcome.version;
  const review = await engine.findLabelErrors({ configPath: 'config/pipeline.yaml' }, { folds: 3 }, undefined, token);
  const selfConfidence: number = review.issues.selfConfidence[0];
  const suggested: string = review.issues.suggestedLabel[0];
  // @ts-expect-error onInvalidRow is 'fail' | 'skip'
  await engine.importCsv(bytes, { onInvalidRow: 'maybe' });
  // @ts-expect-error candles are typed-array columns, not arrays of objects
  await engine.computeFeatures([{ time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
  // @ts-expect-error spans are columns, not an array of span objects
  void labelled.spans[0].direction;
  void [t, warmup, starts, direction, patternLabel, confidence, firstClass, labels, version, selfConfidence, suggested];
}
void usage;
