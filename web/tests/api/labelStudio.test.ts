import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as annotationRoute from '@/app/api/annotations/[id]/route';
import * as bulkRoute from '@/app/api/annotations/bulk/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as healthRoute from '@/app/api/ls/health/route';
import * as setupRoute from '@/app/api/ls/setup/route';
import * as lsPredictRoute from '@/app/api/ls/predict/route';
import * as webhookRoute from '@/app/api/ls/webhook/route';
import { lsWebhookResponseSchema } from '@/features/labelstudio/server';
import { cancelJob, waitForJob } from '@/features/training/server/trainingJobs';
import { importCsvFile, type CandleColumns } from '@/server/engine';
import { trainSmallLsModel } from '../support/lsModel';
import { call, sampleBytes, SAMPLES_DIR, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-ls-models-'));
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

const LABEL_CONFIG = `<View>
  <TimeSeriesLabels name="pattern" toName="chart">
    <Label value="Doji" background="red"/>
    <Label value="engulfing" background="green"/>
  </TimeSeriesLabels>
  <TimeSeries name="chart" valueType="json" value="$series" timeColumn="t">
    <Channel column="O"/><Channel column="H"/><Channel column="L"/><Channel column="C"/><Channel column="V"/>
  </TimeSeries>
</View>`;

let ibm: CandleColumns;
let version: string;
let datasetId: number;
let msftTimes: number[];

function inlineSeries(start: number, end: number) {
  const pick = (k: keyof CandleColumns) => Array.from(ibm[k].subarray(start, end));
  return { t: pick('time'), O: pick('open'), H: pick('high'), L: pick('low'), C: pick('close'), V: pick('volume') };
}
const lsPredict = (body: unknown) => call(lsPredictRoute.POST, 'POST', '/api/ls/predict', { body });
const hook = (body: unknown) => call(webhookRoute.POST, 'POST', '/api/ls/webhook', { body });

beforeAll(async () => {
  process.env.CANDLE_MODELS_DIR = registry;
  version = await trainSmallLsModel(registry, 'ls-test-patterns');
  ibm = (await importCsvFile(path.join(SAMPLES_DIR, 'ibm_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles;
  const created = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', {
    raw: sampleBytes('msft_daily.csv'),
  });
  datasetId = created.body.datasets[0].id;
  msftTimes = Array.from(
    (await importCsvFile(path.join(SAMPLES_DIR, 'msft_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles.time,
  );
}, 120_000);

afterAll(() => {
  env.cleanup();
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

describe('Label Studio ML backend', () => {
  it('GET /api/ls/health: UP with the model class and champion version', async () => {
    const res = await call(healthRoute.GET, 'GET', '/api/ls/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'UP', model_class: expect.any(String), model_version: version });
  });

  it('POST /api/ls/setup returns the model_version; an unsupported config is 400', async () => {
    const ok = await call(setupRoute.POST, 'POST', '/api/ls/setup', {
      body: {
        project: 3,
        schema: LABEL_CONFIG,
        hostname: 'http://ls:8080',
        access_token: 'x',
        model_version: 'initial',
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ model_version: version });
    const bad = await call(setupRoute.POST, 'POST', '/api/ls/setup', {
      body: { project: 3, schema: '<View><Image name="img" value="$image"/><Choices name="c" toName="img"/></View>' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('LS_UNSUPPORTED_LABEL_CONFIG');
  });

  it('POST /api/ls/predict: timeserieslabels regions per task, named from the config, with scores and the champion version', async () => {
    const series = inlineSeries(1000, 1400);
    const res = await lsPredict({
      tasks: [
        { id: 11, data: { series } },
        { id: 12, data: { datasetId, from: msftTimes[300], to: msftTimes[699] } },
      ],
      label_config: LABEL_CONFIG,
      project: '3.1700000000',
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(2);
    for (const [i, task] of res.body.results.entries()) {
      expect(task.model_version).toBe(version);
      expect(task.result.length).toBeGreaterThan(0);
      const times = i === 0 ? series.t : msftTimes.slice(300, 700);
      for (const r of task.result) {
        expect(r).toMatchObject({
          from_name: 'pattern',
          to_name: 'chart',
          type: 'timeserieslabels',
          value: { instant: false },
        });
        expect(['Doji', 'engulfing']).toContain(r.value.timeserieslabels[0]);
        expect(times).toContain(r.value.start);
        expect(times).toContain(r.value.end);
        expect(r.value.start).toBeLessThanOrEqual(r.value.end);
        expect(r.score).toBeGreaterThan(0);
        expect(r.score).toBeLessThanOrEqual(1);
      }
      const mean = task.result.reduce((a: number, r: { score: number }) => a + r.score, 0) / task.result.length;
      expect(task.score).toBeCloseTo(mean, 10);
    }
    // Without label_config the config stored by /setup for the project is used.
    const again = await lsPredict({ tasks: [{ id: 11, data: { series } }], project: '3.1700000001' });
    expect(again.status).toBe(200);
    expect(again.body.results[0].result).toEqual(res.body.results[0].result);
  });

  it('POST /api/ls/predict: unknown label config, missing data, no config → 400', async () => {
    const series = inlineSeries(0, 300);
    const unknown = await lsPredict({
      tasks: [{ data: { series } }],
      label_config: '<View><Text name="t" value="$text"/><Labels name="l" toName="t"/></View>',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('LS_UNSUPPORTED_LABEL_CONFIG');
    const missing = await lsPredict({ tasks: [{ id: 5, data: { other: 1 } }], label_config: LABEL_CONFIG });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('LS_TASK_DATA_MISSING');
    expect(missing.body.error.message).toMatch(/task 5/);
    const noColumn = await lsPredict({
      tasks: [{ data: { series: { ...series, C: undefined } } }],
      label_config: LABEL_CONFIG,
    });
    expect(noColumn.status).toBe(400);
    expect(noColumn.body.error.message).toMatch(/close/);
    const noConfig = await lsPredict({ tasks: [{ data: { series } }], project: '999' });
    expect(noConfig.status).toBe(400);
    expect(noConfig.body.error.code).toBe('LS_LABEL_CONFIG_REQUIRED');
    const noTasks = await lsPredict({ tasks: [], label_config: LABEL_CONFIG });
    expect(noTasks.status).toBe(400);
    expect(noTasks.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('webhook ANNOTATION_CREATED stores the regions as human spans (once)', async () => {
    const event = {
      action: 'ANNOTATION_CREATED',
      project: { id: 3, label_config: LABEL_CONFIG },
      task: { id: 21, data: { datasetId } },
      annotation: {
        id: 77,
        completed_by: 4,
        created_at: '2024-05-01T10:00:00Z',
        result: [
          {
            id: 'a1',
            from_name: 'pattern',
            to_name: 'chart',
            type: 'timeserieslabels',
            value: { start: msftTimes[100], end: msftTimes[104], instant: false, timeserieslabels: ['Bull flag'] },
          },
          {
            id: 'a2',
            from_name: 'pattern',
            to_name: 'chart',
            type: 'timeserieslabels',
            value: { start: msftTimes[200], end: msftTimes[200], instant: true, timeserieslabels: ['Doji'] },
          },
        ],
      },
    };
    const res = await hook(event);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'stored', datasetId, report: { imported: 2, duplicates: 0 } });
    const list = await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`);
    const spans = list.body.annotations;
    expect(spans).toHaveLength(2);
    expect(spans.map((s: { start: number; end: number }) => [s.start, s.end]).sort()).toEqual(
      [
        [msftTimes[100], msftTimes[104]],
        [msftTimes[200], msftTimes[200]],
      ].sort(),
    );
    for (const s of spans) expect(s).toMatchObject({ source: 'human', annotator: 'label-studio:4', kind: 'positive' });
    // ANNOTATION_UPDATED with the same regions plus one: only the new one is added.
    event.annotation.result.push({
      id: 'a3',
      from_name: 'pattern',
      to_name: 'chart',
      type: 'timeserieslabels',
      value: { start: msftTimes[300], end: msftTimes[302], instant: false, timeserieslabels: ['Doji'] },
    });
    const updated = await hook({ ...event, action: 'ANNOTATION_UPDATED' });
    expect(updated.body).toMatchObject({ status: 'stored', report: { imported: 1, duplicates: 2 } });
  });

  it('webhook with an inline-series task creates the task dataset and stores the spans there', async () => {
    const series = inlineSeries(0, 200);
    const res = await hook({
      action: 'ANNOTATION_CREATED',
      project: { id: 3, label_config: LABEL_CONFIG },
      task: { id: 42, data: { series } },
      annotation: {
        completed_by: { id: 2, email: 'ann@example.com' },
        result: [
          {
            type: 'timeserieslabels',
            from_name: 'pattern',
            to_name: 'chart',
            value: { start: series.t[10], end: series.t[12], timeserieslabels: ['engulfing'] },
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('stored');
    expect(res.body.datasetId).not.toBe(datasetId);
    const spans = (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${res.body.datasetId}`)).body
      .annotations;
    expect(spans).toEqual([
      expect.objectContaining({
        start: series.t[10],
        end: series.t[12],
        annotator: 'ann@example.com',
        source: 'human',
      }),
    ]);
  });

  it('webhook: unknown actions are 200 ignored; a malformed annotation is 400', async () => {
    for (const action of ['PROJECT_UPDATED', 'TASKS_CREATED', 'SOMETHING_NEW']) {
      const res = await hook({ action, project: { id: 3 } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ignored', action });
    }
    const bad = await hook({
      action: 'ANNOTATION_CREATED',
      project: 3,
      task: { id: 1, data: { datasetId } },
      annotation: { result: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const noAction = await hook({ project: 3 });
    expect(noAction.status).toBe(400);
  });

  it('webhook START_TRAINING starts a training job (or says why not)', async () => {
    const res = await hook({ action: 'START_TRAINING', project: { id: 3 } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('started');
    // Label Studio stores `job` as the training job's id (a string), like its reference backend.
    expect(typeof res.body.job).toBe('string');
    expect(res.body.training).toMatchObject({ id: res.body.job, state: 'running', preset: 'fast' });
    const again = await hook({ action: 'START_TRAINING', project: { id: 3 } });
    expect(again.body).toMatchObject({ status: 'not_started', code: 'TRAINING_BUSY' });
    cancelJob(env.db(), res.body.job);
    const done = await waitForJob(res.body.job);
    expect(['cancelled', 'succeeded', 'failed']).toContain(done.state);
  }, 120_000);
});

describe('Label Studio webhook keeps its annotations in sync', () => {
  type Span = {
    id: string;
    labelId: number;
    start: number;
    end: number;
    source: string;
    annotator: string;
    version: number;
    note: string | null;
  };
  let ds: number;
  let dojiId: number;

  const region = (id: string, from: number, to: number, label = 'Doji') => ({
    id,
    from_name: 'pattern',
    to_name: 'chart',
    type: 'timeserieslabels',
    value: { start: msftTimes[from], end: msftTimes[to], instant: from === to, timeserieslabels: [label] },
  });
  const event = (
    action: string,
    lsId: number,
    result: unknown[],
    extra: Record<string, unknown> = {},
    taskId = 600,
  ) => ({
    action,
    project: { id: 3, label_config: LABEL_CONFIG },
    task: { id: taskId, data: { datasetId: ds } },
    annotation: { id: lsId, completed_by: 4, result, ...extra },
  });
  const spans = async (): Promise<Span[]> =>
    (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${ds}`)).body.annotations;
  /** The spans the Label Studio annotation owns, by [start, end] (candle indices). */
  const ownedBy = async (lsId: number) => {
    const ids = new Set(
      env
        .db()
        .prepare('SELECT annotation_id FROM ls_annotation_spans WHERE ls_annotation_id = ?')
        .pluck()
        .all(String(lsId)) as string[],
    );
    return (await spans()).filter((s) => ids.has(s.id));
  };
  const ranges = (list: Span[]) =>
    list.map((s) => [msftTimes.indexOf(s.start), msftTimes.indexOf(s.end)]).sort((a, b) => a[0] - b[0]);
  const byId = (list: Span[]) => Object.fromEntries(list.map((s) => [s.id, s]));
  const linkCount = () => env.db().prepare('SELECT COUNT(*) FROM ls_annotation_spans').pluck().get() as number;
  /** The reply has exactly the fields its declared schema (docs/openapi.json's source) names. */
  const documented = (body: Record<string, unknown>) => expect(lsWebhookResponseSchema.parse(body)).toEqual(body);

  beforeAll(async () => {
    const created = await call(
      datasetsRoute.POST,
      'POST',
      '/api/datasets?name=MSFT%20sync&symbol=MSFT&onInvalidRow=skip',
      { raw: sampleBytes('msft_daily.csv') },
    );
    ds = created.body.datasets[0].id;
    const labels = (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{
      id: number;
      name: string;
    }>;
    dojiId = labels.find((l) => l.name.toLowerCase() === 'doji')!.id;
  });

  it('create → update (moved, deleted, unchanged, new) → the spans match the regions; a repeated update changes nothing; ANNOTATIONS_DELETED removes them; other spans are untouched', async () => {
    // Spans Label Studio does not own: drawn here (human, and a talib one), and another LS annotation's.
    const drawn = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId: ds, labelId: dojiId, start: msftTimes[50], end: msftTimes[52], annotator: 'alice' },
    });
    const talib = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: {
        datasetId: ds,
        labelId: dojiId,
        start: msftTimes[120],
        end: msftTimes[121],
        source: 'talib',
        annotator: 'talib',
      },
    });
    expect([drawn.status, talib.status]).toEqual([201, 201]);
    const other = await hook(event('ANNOTATION_CREATED', 901, [region('z1', 400, 402)], {}, 601));
    expect(other.body).toMatchObject({ status: 'stored', sync: { lsAnnotationId: '901', created: 1 } });
    const bystanders = byId(await spans());
    expect(Object.keys(bystanders)).toHaveLength(3);

    const created = await hook(
      event(
        'ANNOTATION_CREATED',
        900,
        [
          region('r1', 100, 104, 'Bull flag'),
          region('r2', 200, 200),
          region('r3', 300, 302, 'engulfing'),
          region('dup', 50, 52),
        ],
        { created_at: '2024-05-01T10:00:00Z', updated_at: '2024-05-01T10:00:00Z' },
      ),
    );
    expect(created.status).toBe(200);
    // The region equal to alice's span is a duplicate: not stored twice, not taken over.
    expect(created.body).toMatchObject({
      status: 'stored',
      datasetId: ds,
      sync: { lsAnnotationId: '900', created: 3, updated: 0, deleted: 0, unchanged: 0, duplicates: 1 },
      report: { imported: 3, duplicates: 1 },
    });
    expect(created.body.changes).toHaveLength(3);
    const first = await ownedBy(900);
    expect(ranges(first)).toEqual([
      [100, 104],
      [200, 200],
      [300, 302],
    ]);
    const r1 = first.find((s) => msftTimes.indexOf(s.start) === 100)!;
    const r3 = first.find((s) => msftTimes.indexOf(s.start) === 300)!;

    // r1 moved, r2 deleted, r3 unchanged, r4 new.
    const update = event(
      'ANNOTATION_UPDATED',
      900,
      [
        region('r1', 110, 115, 'Bull flag'),
        region('r3', 300, 302, 'engulfing'),
        region('dup', 50, 52),
        region('r4', 500, 503),
      ],
      { updated_at: '2024-05-02T10:00:00Z' },
    );
    const updated = await hook(update);
    expect(updated.status).toBe(200);
    expect(updated.body.sync).toEqual({
      lsAnnotationId: '900',
      created: 1,
      updated: 1,
      deleted: 1,
      unchanged: 1,
      duplicates: 1,
    });
    expect(updated.body.changes).toHaveLength(3);
    documented(updated.body);
    const second = await ownedBy(900);
    expect(ranges(second)).toEqual([
      [110, 115],
      [300, 302],
      [500, 503],
    ]);
    // A moved region keeps its span (same id, next version); an unchanged one is not written.
    expect(byId(second)[r1.id]).toMatchObject({ start: msftTimes[110], end: msftTimes[115], version: r1.version + 1 });
    expect(byId(second)[r3.id]).toEqual(r3);

    // The same update again: nothing changes (ids, versions, no change records).
    const again = await hook(update);
    expect(again.body.sync).toEqual({
      lsAnnotationId: '900',
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 3,
      duplicates: 1,
    });
    expect(again.body.changes).toEqual([]);
    expect(await ownedBy(900)).toEqual(second);

    // Everything not owned by annotation 900 is exactly as it was.
    const all = byId(await spans());
    for (const [id, s] of Object.entries(bystanders)) expect(all[id]).toEqual(s);

    const deleted = await hook({ action: 'ANNOTATIONS_DELETED', project: { id: 3 }, annotations: [{ id: 900 }] });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ status: 'deleted', annotations: ['900'], deleted: 3 });
    expect(deleted.body.changes.map((c: { after: unknown }) => c.after)).toEqual([null, null, null]);
    documented(deleted.body);
    expect(byId(await spans())).toEqual(bystanders);
    const twice = await hook({
      action: 'ANNOTATIONS_DELETED',
      project: { id: 3 },
      annotations: [{ id: 900 }, { id: 123456 }],
    });
    expect(twice.body).toMatchObject({ status: 'deleted', annotations: [], deleted: 0, changes: [] });
  });

  it('a malformed ANNOTATIONS_DELETED is a 400 and deletes nothing', async () => {
    const before = await spans();
    const links = linkCount();
    expect(links).toBeGreaterThan(0);
    for (const annotations of [undefined, 'nope', [{}], [{ id: 901 }, { id: 'x' }], [{ id: -1 }], [{ id: 1.5 }]]) {
      const res = await hook({ action: 'ANNOTATIONS_DELETED', project: { id: 3 }, annotations });
      expect(res.status, JSON.stringify(annotations)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await spans()).toEqual(before);
    expect(linkCount()).toBe(links);
  });

  it('Label Studio wins over edits made here to spans it owns; a stale webhook is ignored', async () => {
    const created = await hook(
      event('ANNOTATION_CREATED', 910, [region('a', 700, 703), region('b', 710, 712, 'engulfing')], {
        updated_at: '2024-06-01T00:00:00Z',
      }),
    );
    expect(created.body.sync.created).toBe(2);
    const [a, b] = await ownedBy(910);
    // Moved here, and deleted here.
    const moved = await call(annotationRoute.PATCH, 'PATCH', `/api/annotations/${a.id}`, {
      params: { id: a.id },
      body: { version: a.version, start: msftTimes[690] },
    });
    expect(moved.status).toBe(200);
    const removed = await call(annotationRoute.DELETE, 'DELETE', `/api/annotations/${b.id}?version=${b.version}`, {
      params: { id: b.id },
    });
    expect(removed.status).toBe(200);

    const update = event('ANNOTATION_UPDATED', 910, [region('a', 700, 703), region('b', 710, 712, 'engulfing')], {
      updated_at: '2024-06-02T00:00:00Z',
    });
    const res = await hook(update);
    expect(res.body.sync).toMatchObject({ created: 0, updated: 2, deleted: 0 });
    const after = byId(await ownedBy(910));
    expect(after[a.id]).toMatchObject({ start: msftTimes[700], end: msftTimes[703] });
    expect(after[b.id]).toMatchObject({ start: msftTimes[710], end: msftTimes[712] }); // restored, same id

    // An older version delivered late does not undo the newer one.
    const stale = await hook(
      event('ANNOTATION_UPDATED', 910, [region('a', 720, 721)], { updated_at: '2024-06-01T12:00:00Z' }),
    );
    expect(stale.body).toMatchObject({ status: 'ignored' });
    expect(stale.body.reason).toMatch(/stale/);
    expect(byId(await ownedBy(910))).toEqual(after);

    // Regions none of which can be stored: a 400 that changes nothing (not "everything deleted").
    const unusable = await hook(
      event(
        'ANNOTATION_UPDATED',
        910,
        [{ ...region('a', 700, 703), value: { start: msftTimes[700], end: msftTimes[703], timeserieslabels: [] } }],
        { updated_at: '2024-06-02T12:00:00Z' },
      ),
    );
    expect(unusable.status).toBe(400);
    expect(unusable.body.error.code).toBe('NOTHING_IMPORTED');
    expect(byId(await ownedBy(910))).toEqual(after);

    // An update without regions (all deleted in Label Studio) deletes the spans.
    const cleared = await hook(event('ANNOTATION_UPDATED', 910, [], { updated_at: '2024-06-03T00:00:00Z' }));
    expect(cleared.body).toMatchObject({ status: 'deleted', annotations: ['910'], deleted: 2 });
    expect(await ownedBy(910)).toEqual([]);
  });

  it("a span two Label Studio annotations drew is kept until both let go; TASKS_DELETED removes a task's spans", async () => {
    const one = await hook(event('ANNOTATION_CREATED', 920, [region('s', 800, 802)], {}, 620));
    const two = await hook(event('ANNOTATION_CREATED', 921, [region('t', 800, 802)], { completed_by: 5 }, 621));
    expect(one.body.sync.created).toBe(1);
    expect(two.body.sync).toMatchObject({ created: 0, unchanged: 1 });
    const [shared] = await ownedBy(920);
    expect(await ownedBy(921)).toEqual([shared]);

    // 920 moves its region: the shared span stays for 921, 920 gets its own.
    const moved = await hook(event('ANNOTATION_UPDATED', 920, [region('s', 805, 806)], {}, 620));
    expect(moved.body.sync).toMatchObject({ created: 1, updated: 0, deleted: 0 });
    expect(await ownedBy(921)).toEqual([shared]);
    expect(ranges(await ownedBy(920))).toEqual([[805, 806]]);

    const gone = await hook({ action: 'TASKS_DELETED', project: { id: 3 }, tasks: [{ id: 620 }, { id: 621 }] });
    expect(gone.body).toMatchObject({ status: 'deleted', annotations: ['920', '921'], deleted: 2 });
    const left = (await spans()).map((s) => [msftTimes.indexOf(s.start), msftTimes.indexOf(s.end)]);
    expect(left).not.toContainEqual([800, 802]);
    expect(left).not.toContainEqual([805, 806]);
    const bad = await hook({ action: 'TASKS_DELETED', project: { id: 3 }, tasks: [{ id: null }] });
    expect(bad.status).toBe(400);
  });

  it('a span deleted for good here (its label deleted) drops its link', async () => {
    await hook(event('ANNOTATION_CREATED', 930, [region('q', 900, 901, 'Temporary')], {}, 630));
    expect(await ownedBy(930)).toHaveLength(1);
    const label = (
      (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>
    ).find((l) => l.name === 'Temporary')!;
    const removed = env.db().prepare('DELETE FROM annotations WHERE label_id = ?').run(label.id);
    expect(removed.changes).toBe(1);
    expect(
      env.db().prepare("SELECT COUNT(*) FROM ls_annotation_spans WHERE ls_annotation_id = '930'").pluck().get(),
    ).toBe(0);
  });

  it('adopts a span stored for the same annotator before links were recorded', async () => {
    // What the webhook stored before migration 4: a human span with the Label Studio annotator, no
    // link. (Put back as a stored state: a span created through the API records its signed-in author.)
    const legacy = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      body: {
        operations: [
          {
            op: 'restore',
            id: randomUUID(),
            version: null,
            state: {
              datasetId: ds,
              labelId: dojiId,
              start: msftTimes[950],
              end: msftTimes[951],
              kind: 'positive',
              source: 'human',
              annotator: 'label-studio:4',
              direction: null,
              note: null,
            },
          },
        ],
      },
    });
    const res = await hook(event('ANNOTATION_UPDATED', 940, [region('l', 950, 951)], {}, 640));
    expect(res.body.sync).toMatchObject({ created: 0, unchanged: 1, duplicates: 0 });
    expect((await ownedBy(940)).map((s) => s.id)).toEqual([legacy.body.results[0].id]);
    const gone = await hook({ action: 'ANNOTATIONS_DELETED', annotations: [{ id: '940' }] });
    expect(gone.body).toMatchObject({ deleted: 1 });
  });
});
