import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as patternsRoute from '@/app/api/patterns/route';
import * as autolabelRoute from '@/app/api/datasets/[id]/autolabel/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import { call, sampleBytes, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
afterAll(() => env.cleanup());

let datasetId: number;
beforeAll(async () => {
  datasetId = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', {
      raw: sampleBytes('msft_daily.csv'),
    })
  ).body.datasets[0].id;
});

const run = (body: unknown, as?: string) =>
  call(autolabelRoute.POST, 'POST', `/api/datasets/${datasetId}/autolabel`, {
    params: { id: String(datasetId) },
    body,
    as,
  });
type Span = {
  id: string;
  source: string;
  labelId: number;
  start: number;
  end: number;
  direction: string | null;
  annotator: string;
};
const spans = async (): Promise<Span[]> =>
  (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations;

describe('TA-Lib auto-labelling', () => {
  it('lists the engine patterns', async () => {
    const res = await call(patternsRoute.GET, 'GET', '/api/patterns');
    expect(res.status).toBe(200);
    expect(res.body.patterns).toHaveLength(61);
    expect(res.body.patterns).toContainEqual({ name: 'cdlengulfing', label: 'engulfing', candles: 2 });
  });

  it('stores spans as the talib layer, maps pattern labels onto project labels, creates missing ones', async () => {
    const res = await run({ patterns: ['engulfing', 'cdlmorningstar', 'hikkake'] }, 'hana');
    expect(res.status).toBe(201);
    const { run: r, spanCount, createdLabels } = res.body;
    expect(createdLabels).toEqual(['hikkake']);
    expect(r.report.map((x: { pattern: string }) => x.pattern)).toEqual([
      'cdlengulfing',
      'cdlmorningstar',
      'cdlhikkake',
    ]);
    for (const row of r.report) {
      expect(row.count).toBeGreaterThan(0);
      expect(row.coverage).toBeGreaterThan(0);
      expect(row.precision).toBeNull(); // no human spans yet
    }
    const stored = await spans();
    expect(stored).toHaveLength(spanCount);
    expect(spanCount).toBe(r.report.reduce((n: number, x: { count: number }) => n + x.count, 0));
    expect(
      stored.every(
        (s) =>
          s.source === 'talib' && s.annotator === 'hana' && (s.direction === 'bullish' || s.direction === 'bearish'),
      ),
    ).toBe(true);
    const labels = (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{
      id: number;
      name: string;
      spanCount: number;
    }>;
    const byName = Object.fromEntries(labels.map((l) => [l.name, l]));
    expect(byName['morning star'].spanCount).toBe(r.report[1].count);
    expect(byName.engulfing.spanCount).toBe(r.report[0].count);
    expect(byName.hikkake.spanCount).toBe(r.report[2].count);
  });

  it('a rerun replaces the layer and scores precision/recall against human spans', async () => {
    const before = await spans();
    const engulfingLabel = before.find((s) => s.source === 'talib')!.labelId;
    const engulfing = before.filter((s) => s.labelId === engulfingLabel).slice(0, 4);
    // People agree with 4 engulfing signals.
    for (const s of engulfing) {
      await call(annotationsRoute.POST, 'POST', '/api/annotations', {
        body: { datasetId, labelId: s.labelId, start: s.start, end: s.end },
      });
    }
    const res = await run({ patterns: ['engulfing'] });
    expect(res.status).toBe(201);
    const [row] = res.body.run.report;
    expect(row.recall).toBe(1);
    expect(row.precision).toBeCloseTo(4 / row.count, 10);
    expect(res.body.run.options.humanSpans).toBe(4);
    const after = await spans();
    expect(after.filter((s) => s.source === 'talib')).toHaveLength(row.count);
    expect(after.filter((s) => s.source === 'human')).toHaveLength(4);

    const latest = await call(autolabelRoute.GET, 'GET', `/api/datasets/${datasetId}/autolabel`, {
      params: { id: String(datasetId) },
    });
    expect(latest.body.run.id).toBe(res.body.run.id);
  });

  it('rejects unknown patterns and bad options; clears the layer', async () => {
    const unknown = await run({ patterns: ['bull flag'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_PATTERN');
    expect((await run({ patterns: [] })).status).toBe(400);
    expect((await run({ patterns: ['doji'], minStrength: 150 })).status).toBe(400);
    const cleared = await call(autolabelRoute.DELETE, 'DELETE', `/api/datasets/${datasetId}/autolabel`, {
      params: { id: String(datasetId) },
    });
    expect(cleared.body.deletedSpans).toBeGreaterThan(0);
    expect((await spans()).every((s) => s.source === 'human')).toBe(true);
  });
});
