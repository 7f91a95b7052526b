import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as bulkRoute from '@/app/api/annotations/bulk/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as labelErrorsRoute from '@/app/api/label-errors/route';
import * as runRoute from '@/app/api/label-errors/[id]/route';
import * as cancelRoute from '@/app/api/label-errors/[id]/cancel/route';
import * as reviewRoute from '@/app/api/label-errors/[id]/reviews/route';
import * as engine from '@/server/engine';
import { waitForRun } from '@/features/label-errors/server/labelErrorRuns';
import type { LabelErrorRun } from '@/features/label-errors/types';
import { call, sampleBytes, createTempDatabase } from '../support/routeHarness';

// Human spans on real AAPL candles: TA-Lib's dojis and engulfings as a careful person would
// draw them (no overlaps), every 8th given the other label on purpose. The check must find those.
const env = createTempDatabase();
let datasetId: number;
let labelIds: { doji: number; engulfing: number };
const flipped = new Set<string>();

beforeAll(async () => {
  datasetId = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=AAPL&symbol=AAPL&onInvalidRow=skip', {
      raw: sampleBytes('aapl_daily.csv'),
    })
  ).body.datasets[0].id;
  const labels = (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>;
  labelIds = {
    doji: labels.find((l) => l.name === 'doji')!.id,
    engulfing: labels.find((l) => l.name === 'engulfing')!.id,
  };
  const imported = await engine.importCsv(Buffer.from(sampleBytes('aapl_daily.csv')), { onInvalidRow: 'skip' });
  const { spans } = await engine.autoLabel(imported.series[0].candles, { patterns: ['doji', 'engulfing'] });
  const taken = new Set<number>();
  const operations: unknown[] = [];
  const wanted: Array<{ flipped: boolean }> = [];
  for (const s of spans) {
    const idx = Array.from({ length: s.end - s.start + 1 }, (_, i) => s.start + i);
    if (idx.some((i) => taken.has(i))) continue;
    idx.forEach((i) => taken.add(i));
    const flip = operations.length % 8 === 3;
    const label = (s.label === 'doji') !== flip ? 'doji' : 'engulfing';
    operations.push({
      op: 'create',
      annotation: { datasetId, labelId: labelIds[label], start: s.startTime, end: s.endTime },
    });
    wanted.push({ flipped: flip });
  }
  const res = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', { body: { annotator: 'test', operations } });
  expect(res.status).toBe(200);
  const created = (res.body.results as Array<{ id: string }>).map((a) => a.id);
  created.forEach((id, i) => wanted[i].flipped && flipped.add(id));
  expect(flipped.size).toBeGreaterThan(20);
}, 120_000);

afterAll(() => env.cleanup());

const start = (body: unknown) => call(labelErrorsRoute.POST, 'POST', '/api/label-errors', { body });
const getRun = (id: string) => call(runRoute.GET, 'GET', `/api/label-errors/${id}`, { params: { id } });
const review = (id: string, body: unknown) =>
  call(reviewRoute.POST, 'POST', `/api/label-errors/${id}/reviews`, { params: { id }, body });

describe('label-error run', () => {
  let run: LabelErrorRun;

  it('rejects bad input: unknown keys, folds out of range, unknown dataset, bad ids', async () => {
    expect((await start({ preset: 'fast', folds: 1 })).status).toBe(400);
    expect((await start({ preset: 'fast', folds: 11 })).status).toBe(400);
    expect((await start({ preset: 'fast', extra: true })).status).toBe(400);
    expect((await start({ preset: 'fast', datasetId: 9999 })).status).toBe(404);
    expect((await getRun('not-a-uuid')).status).toBe(400);
    expect((await getRun('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('runs off the JS thread with progress and ranks the mislabelled spans first', async () => {
    const res = await start({ preset: 'fast', datasetId, folds: 3, includeTalib: false });
    expect(res.status).toBe(202);
    expect(res.body.run).toMatchObject({ state: 'running', folds: 3, datasetIds: [datasetId], includeTalib: false });
    // One at a time.
    expect((await start({ preset: 'fast', datasetId })).status).toBe(409);
    const polled = await getRun(res.body.run.id);
    expect(polled.status).toBe(200);
    expect(polled.body.run.state).toBe('running');

    run = await waitForRun(env.db(), res.body.run.id);
    expect(run.state).toBe('succeeded');
    expect(run.summary).toMatchObject({ folds: 3, modelType: 'lightgbm' });
    expect(run.summary!.scored).toBe(run.items.length);
    expect(run.items.map((i) => i.rank)).toEqual(run.items.map((_, i) => i + 1));
    const top = run.items.slice(0, flipped.size);
    const precision = top.filter((i) => flipped.has(i.annotationId)).length / flipped.size;
    expect(precision).toBeGreaterThanOrEqual(0.6);
    const first = run.items[0];
    expect(first.datasetId).toBe(datasetId);
    expect([labelIds.doji, labelIds.engulfing]).toContain(first.labelId);
    // The suggestion maps back to the app's label.
    if (first.suggestedLabel)
      expect(first.suggestedLabelId).toBe(labelIds[first.suggestedLabel as 'doji' | 'engulfing']);
    expect(run.summary!.likelyErrors).toBeGreaterThan(0);
  }, 180_000);

  it('stores the result and the reviews, and both survive a server restart', async () => {
    const id = run.id;
    const target = run.items[0].annotationId;
    expect((await review(id, { annotationId: target, decision: 'kept' })).body.run.reviews).toEqual({
      [target]: 'kept',
    });
    expect((await review(id, { annotationId: 'no-such-span', decision: 'kept' })).status).toBe(404);
    expect((await review(id, { annotationId: target, decision: 'maybe' })).status).toBe(400);

    delete (globalThis as { __candleLabelErrorRuns?: unknown }).__candleLabelErrorRuns;
    env.reopen();
    vi.resetModules();
    const overview = (await import('@/app/api/label-errors/route')).GET;
    const after = await call(overview, 'GET', '/api/label-errors');
    expect(after.status).toBe(200);
    expect(after.body.latest.id).toBe(id);
    expect(after.body.latest.items).toEqual(run.items);
    expect(after.body.latest.reviews).toEqual({ [target]: 'kept' });
    expect(after.body.running).toBeNull();

    expect((await review(id, { annotationId: target, decision: 'open' })).body.run.reviews).toEqual({});
  });

  it('a run left running by a dead server shows as failed; cancel ends a run as cancelled', async () => {
    const res = await start({ preset: 'fast', datasetId, folds: 3 });
    expect(res.status).toBe(202);
    const id = res.body.run.id as string;
    const cancelled = await call(cancelRoute.POST, 'POST', `/api/label-errors/${id}/cancel`, { params: { id } });
    expect(cancelled.status).toBe(202);
    const ended = await waitForRun(env.db(), id);
    expect(ended.state).toBe('cancelled');
    expect(ended.error?.code).toBe('CANCELLED');

    // A 'running' row no live process owns (the server died mid-run).
    env
      .db()
      .prepare(
        "INSERT INTO label_error_runs (id, state, stage, fraction, preset, folds, include_talib, dataset_ids, started_at) VALUES ('11111111-1111-4111-8111-111111111111', 'running', 'folds', 0.4, 'fast', 5, 1, '[1]', 1)",
      )
      .run();
    env.reopen();
    const orphan = await getRun('11111111-1111-4111-8111-111111111111');
    expect(orphan.body.run).toMatchObject({ state: 'failed', error: { code: 'SERVER_RESTARTED' } });
  }, 120_000);

  it('refuses a run with no human spans', async () => {
    const empty = (
      await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', {
        raw: sampleBytes('msft_daily.csv'),
      })
    ).body.datasets[0].id;
    const res = await start({ preset: 'fast', datasetId: empty });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('NO_HUMAN_SPANS');
  });
});
