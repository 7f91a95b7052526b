import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as trainingRoute from '@/app/api/training/route';
import * as jobRoute from '@/app/api/training/[id]/route';
import * as cancelRoute from '@/app/api/training/[id]/cancel/route';
import * as promoteRoute from '@/app/api/training/promote/route';
import * as plotRoute from '@/app/api/model-plot/route';
import * as modelsRoute from '@/app/api/models/route';
import * as infoRoute from '@/app/api/model/info/route';
import * as predictRoute from '@/app/api/predict/route';
import { cancelJob, waitForJob } from '@/features/training/server/trainingJobs';
import { workRoot } from '@/features/training/server/engineRunInput';
import { call, sampleBytes, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-train-models-'));
const previousModelsDir = process.env.CANDLE_MODELS_DIR;
let datasetId: number;
/** The dataset's candle times. */
let times: number[];

beforeAll(async () => {
  process.env.CANDLE_MODELS_DIR = registry;
  datasetId = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=AAPL&symbol=AAPL&onInvalidRow=skip', {
      raw: sampleBytes('aapl_daily.csv'),
    })
  ).body.datasets[0].id;
  const labels = (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>;
  const bullFlag = labels.find((l) => l.name === 'bull flag')!;
  const doji = labels.find((l) => l.name === 'doji')!;
  const candles = (
    await call(
      (await import('@/app/api/datasets/[id]/candles/route')).GET,
      'GET',
      `/api/datasets/${datasetId}/candles`,
      { params: { id: String(datasetId) } },
    )
  ).body.candles.time as number[];
  times = candles;
  // Human spans (a label TA-Lib does not know) of different lengths, as people draw them (so the
  // end encoding learns a start class for it), and a negative (a dismissed prediction).
  for (const [i, length] of [7, 10, 5].entries()) {
    const s = 400 + i * 300;
    const r = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId, labelId: bullFlag.id, start: candles[s], end: candles[s + length - 1], annotator: 'test' },
    });
    expect(r.status).toBe(201);
  }
  const neg = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
    body: {
      datasetId,
      labelId: doji.id,
      start: candles[2000],
      end: candles[2000],
      kind: 'negative',
      source: 'model-corrected',
      annotator: 'test',
    },
  });
  expect(neg.status).toBe(201);
}, 120_000);

afterAll(() => {
  env.cleanup();
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

const start = (body: unknown) => call(trainingRoute.POST, 'POST', '/api/training', { body });

/**
 * The modules of a restarted server: fresh instances with their own, empty in-memory job table.
 * The modules imported above stay "the old process" (they keep running the engine; a real
 * restart would have killed it). Loaded ahead, so the restart itself involves no awaits.
 */
async function nextServerProcess() {
  const oldTable = (globalThis as { __candleTrainingJobs?: unknown }).__candleTrainingJobs;
  delete (globalThis as { __candleTrainingJobs?: unknown }).__candleTrainingJobs;
  vi.resetModules();
  const modules = {
    list: (await import('@/app/api/training/route')).GET,
    job: (await import('@/app/api/training/[id]/route')).GET,
    startup: (await import('@/server/startup')).prepareOnStartup,
  };
  expect((globalThis as { __candleTrainingJobs?: unknown }).__candleTrainingJobs).not.toBe(oldTable);
  return modules;
}
const getJob = (id: string) => call(jobRoute.GET, 'GET', `/api/training/${id}`, { params: { id } });

describe('training jobs', () => {
  let first: string;
  let succeededId: string;
  let cancelledId: string;

  it('rejects an unknown preset (400) and an unknown dataset (404)', async () => {
    expect((await start({ preset: 'huge' })).status).toBe(400);
    expect((await start({ preset: 'fast', datasetId: 9999 })).status).toBe(404);
  });

  it('start → progress → finish with metrics (human spans, negatives and TA-Lib labels)', async () => {
    // A folder left by a server that died mid-run (older than this process), and one of a run of
    // this process (newer): the first run's start removes the first only.
    const left = path.join(workRoot(), 'candle-train-left');
    const live = path.join(workRoot(), 'candle-label-errors-live');
    for (const folder of [left, live]) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'ds1.csv'), 'time,open,high,low,close\n');
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(left, hourAgo, hourAgo);
    const res = await start({ preset: 'fast', datasetId });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({
      state: 'running',
      preset: 'fast',
      datasetIds: [datasetId],
      spans: { exported: 4, negatives: 1, dropped: 0 },
    });
    const id = res.body.job.id as string;
    // The server keeps answering while the engine trains.
    const during = await getJob(id);
    expect(during.status).toBe(200);
    expect(['running', 'succeeded']).toContain(during.body.job.state);
    expect((await start({ preset: 'fast', datasetId })).status).toBe(409);
    const done = await waitForJob(id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ state: 'succeeded', fraction: 1, stage: 'done' });
    // The run's own work folder is gone with it; the other run's stays.
    expect(fs.readdirSync(workRoot())).toEqual(['candle-label-errors-live']);
    fs.rmSync(live, { recursive: true });
    const final = (await getJob(id)).body.job;
    expect(final.outcome.version).toMatch(/^v\d+$/);
    expect(final.outcome.metrics.validationMacroF1).toBeGreaterThan(0);
    first = final.outcome.version;
    succeededId = id;
    // The human-only label became a class of the model, with its start class (its spans vary in
    // length), and the model serves predictions.
    const info = await call(infoRoute.GET, 'GET', `/api/model/info?model=${first}`);
    expect(info.status).toBe(200);
    expect(info.body.labels).toContain('bull flag');
    expect(info.body.labels).toContain('engulfing');
    expect(info.body.classNames).toContain('B-bull flag');
    const predicted = await call(predictRoute.POST, 'POST', '/api/predict', {
      body: { datasetId, options: { model: first } },
    });
    expect(predicted.status).toBe(200);
    expect(predicted.body.model.version).toBe(first);
    // A range, as the chart asks (the engine scores its context only as far as its spans need):
    // the spans of the whole dataset's answer that overlap it, clipped at its edges.
    const [from, to] = [times[700], times[1300]];
    const ranged = await call(predictRoute.POST, 'POST', '/api/predict', {
      body: { datasetId, from, to, options: { model: first } },
    });
    expect(ranged.status).toBe(200);
    type Span = { start: number; end: number; startTime: number; endTime: number; label: string; confidence: number };
    const clipped = (predicted.body.spans as Span[])
      .filter((s) => s.endTime >= from && s.startTime <= to)
      .map((s) => ({
        label: s.label,
        confidence: s.confidence,
        from: Math.max(s.startTime, from),
        to: Math.min(s.endTime, to),
      }));
    expect(clipped.length).toBeGreaterThan(0);
    expect(
      (ranged.body.spans as Span[]).map((s) => ({
        label: s.label,
        confidence: s.confidence,
        from: s.startTime,
        to: s.endTime,
      })),
    ).toEqual(clipped);
  }, 180_000);

  it('cancel → cancelled, nothing published', async () => {
    const before = (await call(modelsRoute.GET, 'GET', '/api/models')).body.models.length;
    const res = await start({ preset: 'standard', datasetId });
    const id = res.body.job.id as string;
    const c = await call(cancelRoute.POST, 'POST', `/api/training/${id}/cancel`, { params: { id } });
    expect(c.status).toBe(202);
    const done = await waitForJob(id);
    expect(done.state).toBe('cancelled');
    expect(done.error?.code).toBe('CANCELLED');
    cancelledId = id;
    expect((await call(modelsRoute.GET, 'GET', '/api/models')).body.models.length).toBe(before);
    expect(fs.readdirSync(workRoot())).toEqual([]);
  }, 180_000);

  it('promotes a version and serves its plots only from the registry', async () => {
    const p = await call(promoteRoute.POST, 'POST', '/api/training/promote', { body: { version: first } });
    expect(p.status).toBe(200);
    expect(p.body.model.aliases).toContain('champion');
    expect(
      (await call(promoteRoute.POST, 'POST', '/api/training/promote', { body: { version: 'v9999' } })).status,
    ).toBe(404);
    const info = await call(infoRoute.GET, 'GET', `/api/model/info?model=${first}`);
    const confusion = (info.body.plots as string[]).find((n) => /confusion/.test(n))!;
    expect(confusion).toBeTruthy();
    const svg = await call(
      plotRoute.GET,
      'GET',
      `/api/model-plot?model=${first}&name=${encodeURIComponent(confusion)}`,
    );
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.text).toMatch(/<svg/);
    expect(
      (
        await call(
          plotRoute.GET,
          'GET',
          `/api/model-plot?model=${first}&name=${encodeURIComponent('../../etc/passwd')}`,
        )
      ).status,
    ).toBe(400);
    expect((await call(plotRoute.GET, 'GET', `/api/model-plot?model=${first}&name=nope.svg`)).status).toBe(404);
  }, 60_000);

  it('finished jobs are still listed after a server restart, with their outcome or error', async () => {
    const routes = await nextServerProcess();
    env.reopen();
    const jobs = (await call(routes.list, 'GET', '/api/training')).body.jobs as Array<Record<string, any>>;
    const succeeded = jobs.find((j) => j.id === succeededId)!;
    expect(succeeded).toMatchObject({
      state: 'succeeded',
      preset: 'fast',
      stage: 'done',
      fraction: 1,
      datasetIds: [datasetId],
      includeTalib: true,
      error: null,
    });
    expect(succeeded.outcome.version).toBe(first);
    expect(succeeded.outcome.metrics.validationMacroF1).toBeGreaterThan(0);
    expect(succeeded.finishedAt).toBeGreaterThanOrEqual(succeeded.startedAt);
    const cancelled = jobs.find((j) => j.id === cancelledId)!;
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      preset: 'standard',
      outcome: null,
      error: { code: 'CANCELLED' },
    });
    // Newest first.
    expect(jobs.findIndex((j) => j.id === cancelledId)).toBeLessThan(jobs.findIndex((j) => j.id === succeededId));
    const one = await call(routes.job, 'GET', `/api/training/${succeededId}`, { params: { id: succeededId } });
    expect(one.status).toBe(200);
    expect(one.body.job.outcome.version).toBe(first);
    const unknown = crypto.randomUUID();
    expect((await call(routes.job, 'GET', `/api/training/${unknown}`, { params: { id: unknown } })).status).toBe(404);
  });

  it('a job running when the server stopped is failed (SERVER_RESTARTED) on the next start, not running forever', async () => {
    const routes = await nextServerProcess();
    const res = await start({ preset: 'standard', datasetId });
    expect(res.status).toBe(202);
    const id = res.body.job.id as string;
    // The restart: the old connection goes, the new process starts up (its first step is synchronous).
    env.reopen();
    await routes.startup();
    const row = env.db().prepare('SELECT state, error_code, finished_at FROM training_jobs WHERE id = ?').get(id) as {
      state: string;
      error_code: string;
      finished_at: number;
    };
    expect(row).toMatchObject({ state: 'failed', error_code: 'SERVER_RESTARTED' });
    expect(row.finished_at).toBeGreaterThan(0);
    const job = (await call(routes.job, 'GET', `/api/training/${id}`, { params: { id } })).body.job;
    expect(job).toMatchObject({ state: 'failed', stage: 'failed', outcome: null, error: { code: 'SERVER_RESTARTED' } });
    expect(job.error.message).toMatch(/server restarted/i);
    expect((await call(routes.list, 'GET', '/api/training')).body.jobs[0]).toMatchObject({ id, state: 'failed' });

    // Stop the run the "dead" process still has; its late end must not overwrite the verdict.
    cancelJob(env.db(), id);
    await waitForJob(id);
    expect((await call(routes.job, 'GET', `/api/training/${id}`, { params: { id } })).body.job).toMatchObject({
      state: 'failed',
      error: { code: 'SERVER_RESTARTED' },
    });
  }, 180_000);
});
