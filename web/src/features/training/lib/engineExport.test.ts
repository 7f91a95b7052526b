import { describe, expect, it } from 'vitest';
import type { Annotation } from '@/features/annotations';
import { engineLabelName, toEngineSpans } from './engineExport';
import { buildTrainingConfig } from './presets';

const a = (id: string, labelId: number, start: number, end: number, extra: Partial<Annotation> = {}): Annotation => ({
  id,
  datasetId: 1,
  labelId,
  start,
  end,
  kind: 'positive',
  source: 'human',
  annotator: 'ana',
  direction: null,
  note: null,
  version: 1,
  createdAt: 100,
  updatedAt: 100,
  ...extra,
});
const datasets = new Map([[1, { name: 'AAPL daily' }]]);
const labels = new Map([
  [1, 'bull flag'],
  [2, 'morning star'],
  [3, 'doji'],
]);

describe('toEngineSpans', () => {
  it('maps app spans to exactly the engine fields (negatives kept, nulls left out)', () => {
    const out = toEngineSpans(
      [
        a('x', 1, 10, 20, { note: 'n', direction: 'bullish' }),
        a('y', 3, 30, 30, { kind: 'negative', source: 'model-corrected' }),
      ],
      datasets,
      labels,
    );
    expect(out.dropped).toEqual([]);
    expect(out.annotations).toEqual([
      {
        id: 'x',
        symbol: 'ds1',
        dataset: 'AAPL daily',
        start: 10,
        end: 20,
        label: 'bull flag',
        source: 'human',
        kind: 'positive',
        direction: 'bullish',
        annotator: 'ana',
        created_at: 100,
        updated_at: 100,
        note: 'n',
      },
      {
        id: 'y',
        symbol: 'ds1',
        dataset: 'AAPL daily',
        start: 30,
        end: 30,
        label: 'doji',
        source: 'model-corrected',
        kind: 'negative',
        annotator: 'ana',
        created_at: 100,
        updated_at: 100,
      },
    ]);
    const allowed = new Set([
      'id',
      'dataset',
      'symbol',
      'timeframe',
      'start',
      'end',
      'label',
      'source',
      'kind',
      'direction',
      'annotator',
      'created_at',
      'updated_at',
      'note',
    ]);
    for (const s of out.annotations) for (const k of Object.keys(s)) expect(allowed.has(k)).toBe(true);
  });
  it('keeps nested spans of different labels and drops only a negative under a positive of its label', () => {
    const out = toEngineSpans(
      [
        a('old', 1, 10, 20, { updatedAt: 1 }),
        a('new', 3, 15, 16, { updatedAt: 2 }),
        a('neg', 3, 16, 16, { kind: 'negative' }),
      ],
      datasets,
      labels,
    );
    expect(out.annotations.map((s) => s.id)).toEqual(['old', 'new']);
    expect(out.dropped.map((d) => d.id)).toEqual(['neg']);
  });
  it('uses the TA-Lib name for an app label of the same pattern when TA-Lib is mixed in', () => {
    expect(engineLabelName('morning star', ['morningstar', 'doji'])).toBe('morningstar');
    expect(engineLabelName('bull flag', ['morningstar'])).toBe('bull flag');
    expect(toEngineSpans([a('m', 2, 1, 3)], datasets, labels, ['morningstar']).annotations[0].label).toBe(
      'morningstar',
    );
  });
});

describe('buildTrainingConfig', () => {
  it('builds a fast config with TA-Lib mixing', () => {
    const c = buildTrainingConfig({
      preset: 'fast',
      series: [{ path: '/t/ds1.csv', symbol: 'ds1' }],
      annotationsFile: '/t/spans.json',
      includeTalib: true,
      minExamples: 1,
      outputDir: '/t/d',
      registryRoot: '/m',
    }) as any;
    expect(c.model).toMatchObject({ type: 'lightgbm', rounds: 20 });
    expect(c.labels).toMatchObject({
      annotations: ['/t/spans.json'],
      min_examples: 1,
      talib: { patterns: ['engulfing', 'harami', 'hammer', 'doji'] },
    });
    expect(
      buildTrainingConfig({
        preset: 'standard',
        series: [],
        annotationsFile: null,
        includeTalib: false,
        minExamples: 10,
        outputDir: '/t',
        registryRoot: '/m',
      }).labels,
    ).toEqual({ annotations: [], min_examples: 10 });
  });
});
