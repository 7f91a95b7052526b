import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as similarRoute from '@/app/api/similar/route';
import { AnnotationStore } from '@/features/annotations/lib/annotationStore';
import { call, SAMPLES_DIR, sampleBytes, createTempDatabase } from '../support/routeHarness';
import { annotationRouteFetcher } from '../support/routeFetcher';

/**
 * POST /api/similar on real samples in a real SQLite file: a real double top (IBM, 2002-11-11 ..
 * 2003-01-29) copied, scaled ×1.5, into the AAPL sample comes back first; people's spans feed the
 * labelling-function report; accepting results through the client store saves spans with source
 * `similar` in any dataset, one undo step each.
 */
const env = createTempDatabase();
afterAll(() => env.cleanup());

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const QUERY = { start: day('2002-11-11'), end: day('2003-01-29') };
const PLANT_AT = 2000;

/** The AAPL sample with IBM's double top planted at row PLANT_AT (moves ×1.5 around the local price). */
function aaplWithDoubleTop(): string {
  const rows = (file: string) =>
    fs
      .readFileSync(path.join(SAMPLES_DIR, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
  const ibm = rows('ibm_daily.csv');
  const aapl = rows('aapl_daily.csv');
  const from = ibm.findIndex((r) => r[0] === '2002-11-11');
  const level = Number(aapl[PLANT_AT][4]);
  const base = Number(ibm[from][1]);
  for (let i = 0; i < 54; i++) {
    const src = ibm[from + i];
    const map = (v: string) => (level * (1 + 1.5 * (Number(v) / base - 1))).toFixed(4);
    aapl[PLANT_AT + 1 + i] = [aapl[PLANT_AT + 1 + i][0], map(src[1]), map(src[2]), map(src[3]), map(src[4]), src[5]];
  }
  return aapl.map((r) => r.join(',')).join('\n') + '\n';
}

let ibmId: number;
let aaplId: number;
let labels: Record<string, number>;
const find = (body: unknown) => call(similarRoute.POST, 'POST', '/api/similar', { body });

beforeAll(async () => {
  ibmId = (await call(datasetsRoute.POST, 'POST', '/api/datasets?name=IBM', { raw: sampleBytes('ibm_daily.csv') })).body
    .datasets[0].id;
  aaplId = (await call(datasetsRoute.POST, 'POST', '/api/datasets?name=AAPL', { raw: aaplWithDoubleTop() })).body
    .datasets[0].id;
  labels = Object.fromEntries(
    ((await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>).map(
      (l) => [l.name, l.id],
    ),
  );
});

describe('POST /api/similar', () => {
  it('ranks the planted copy first across datasets, with thumbnails and the report', async () => {
    const res = await find({ datasetId: ibmId, ...QUERY, labelId: labels['double top'], maxResults: 10 });
    expect(res.status).toBe(200);
    const { matches, query, report, stats } = res.body;
    expect(query).toMatchObject({ datasetId: ibmId, start: QUERY.start, end: QUERY.end, candles: 54 });
    expect(matches).toHaveLength(10);
    expect(matches[0]).toMatchObject({ rank: 1, datasetId: aaplId, datasetName: 'AAPL', candles: 54, labelled: false });
    expect(matches[0].similarity).toBeGreaterThan(0.999);
    expect(matches[0].thumbnail.close).toHaveLength(54);
    for (let i = 1; i < matches.length; i++)
      expect(matches[i].similarity).toBeLessThanOrEqual(matches[i - 1].similarity);
    // The query itself never comes back.
    expect(
      matches.some(
        (m: { datasetId: number; start: number; end: number }) =>
          m.datasetId === ibmId && m.start <= QUERY.end && QUERY.start <= m.end,
      ),
    ).toBe(false);
    expect(report).toMatchObject({ label: 'double top', count: 10, conflicts: 0, precision: 0, recall: null });
    expect(report.perDataset.map((d: { datasetId: number }) => d.datasetId)).toEqual([ibmId, aaplId]);
    expect(stats).toMatchObject({ datasets: 2, lengths: expect.arrayContaining([54]) });
  });

  it("scores people's spans: an existing span of the label marks the result labelled and counts for precision", async () => {
    const first = (await find({ datasetId: ibmId, ...QUERY, maxResults: 3 })).body.matches[0];
    const created = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId: aaplId, labelId: labels['double top'], start: first.start, end: first.end, annotator: 'ana' },
    });
    expect(created.status).toBe(201);
    const res = await find({ datasetId: ibmId, ...QUERY, labelId: labels['double top'], maxResults: 3 });
    expect(res.body.matches[0]).toMatchObject({ datasetId: aaplId, labelled: true });
    expect(res.body.report.recall).toBe(1);
    expect(res.body.report.precision).toBeCloseTo(1 / 3);
  });

  it('stores each search: GET lists the latest per label as report rows of the datasets it reached', async () => {
    const runs = await call(similarRoute.GET, 'GET', `/api/similar?datasetId=${aaplId}`);
    expect(runs.status).toBe(200);
    const [latest] = runs.body.runs;
    expect(latest).toMatchObject({ queryDatasetId: ibmId, labelId: labels['double top'], start: QUERY.start });
    expect(latest.report).toMatchObject({ label: 'double top', count: 3 });
    expect(latest.dataset.count).toBe(
      latest.report.perDataset.find((d: { datasetId: number }) => d.datasetId === aaplId).count,
    );
    // One row per label: the unlabelled searches form their own.
    expect(new Set(runs.body.runs.map((r: { report: { label: string | null } }) => r.report.label)).size).toBe(
      runs.body.runs.length,
    );
    expect((await call(similarRoute.GET, 'GET', '/api/similar?datasetId=999')).status).toBe(404);
    expect((await call(similarRoute.GET, 'GET', '/api/similar')).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rejects bad requests with stable codes', async () => {
    expect((await find({ datasetId: ibmId, ...QUERY, colour: 'red' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await find({ datasetId: ibmId, start: QUERY.end, end: QUERY.start })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await find({ datasetId: ibmId, start: QUERY.start, end: QUERY.start + 86_400_000 })).body.error.code).toBe(
      'SPAN_TOO_SHORT',
    );
    expect((await find({ datasetId: ibmId, start: 0, end: 1000 })).body.error.code).toBe('EMPTY_SPAN');
    const missing = await find({ datasetId: 999, ...QUERY });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await find({ datasetId: ibmId, ...QUERY, stretch: 0.9 })).status).toBe(400);
  });
});

describe('accepting results through the client store', () => {
  it('saves spans with source similar in another dataset, one undo step each; accept-all is one step', async () => {
    const store = new AnnotationStore({
      fetcher: annotationRouteFetcher({ as: 'ana' }),
      annotator: () => 'ana',
      retryDelaysMs: [5],
    });
    await store.load(ibmId);
    const matches = (await find({ datasetId: ibmId, ...QUERY, maxResults: 6 })).body.matches as Array<{
      datasetId: number;
      start: number;
      end: number;
    }>;
    const label = labels['double top'];
    const similarSpans = async () =>
      (await call(annotationsRoute.GET, 'GET', '/api/annotations?source=similar')).body.annotations as Array<{
        id: string;
        datasetId: number;
        source: string;
      }>;

    const a = store.create({ ...matches[1], labelId: label, source: 'similar' }, 'Accept similar');
    const b = store.create({ ...matches[2], labelId: label, source: 'similar' }, 'Accept similar');
    await store.flush();
    expect((await similarSpans()).map((s) => s.id).sort()).toEqual([a, b].sort());
    expect(store.spanAnywhere(a)?.source).toBe('similar');

    store.undo();
    await store.flush();
    expect((await similarSpans()).map((s) => s.id)).toEqual([a]);
    expect(store.spanAnywhere(b)).toBeUndefined();

    const many = store.createMany(
      matches.slice(3).map((m) => ({ ...m, labelId: label, source: 'similar' as const })),
      'Accept 3 similar',
    );
    await store.flush();
    expect(await similarSpans()).toHaveLength(4);
    store.undo();
    await store.flush();
    expect((await similarSpans()).map((s) => s.id)).toEqual([a]);
    expect(many.every((id) => store.spanAnywhere(id) === undefined)).toBe(true);
  });
});
