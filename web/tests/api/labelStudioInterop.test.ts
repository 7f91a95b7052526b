import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as exportRoute from '@/app/api/annotations/export/route';
import * as setupRoute from '@/app/api/ls/setup/route';
import * as lsPredictRoute from '@/app/api/ls/predict/route';
import * as webhookRoute from '@/app/api/ls/webhook/route';
import * as versionsRoute from '@/app/api/ls/versions/route';
import * as trainRoute from '@/app/api/ls/train/route';
import * as jobStatusRoute from '@/app/api/ls/job_status/route';
import * as problemsRoute from '@/app/api/ls/problems/route';
import * as problemRoute from '@/app/api/ls/problems/[id]/route';
import * as retryRoute from '@/app/api/ls/problems/[id]/retry/route';
import { cancelJob, waitForJob } from '@/features/training/server/trainingJobs';
import { importCsvFile, type CandleColumns } from '@/server/engine';
import { trainSmallLsModel } from '../support/lsModel';
import { call, SAMPLES_DIR, createTempDatabase } from '../support/routeHarness';

/**
 * The Label Studio backend against Label Studio's own request shapes (label_studio 1.23:
 * ml/api_connector.py, webhooks): file-URL tasks fetched from a real HTTP server with the token
 * /setup sent, any batch size, per-task failures, extra_params, bulk and project events, task
 * identity, sync problems with retry, the webhook secret, /versions /train /job_status, and the
 * label config parser's limits against the regular-expression DoS payloads of issue 11. The same
 * flows against a real Label Studio: tests/labelstudio (npm run test:labelstudio).
 */

const env = createTempDatabase();
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-ls-interop-'));
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

const CHANNELS =
  '<Channel column="open"/><Channel column="high"/><Channel column="low"/><Channel column="close"/><Channel column="volume"/>';
const JSON_CONFIG = `<View><TimeSeriesLabels name="label" toName="ts"><Label value="doji"/><Label value="engulfing"/></TimeSeriesLabels>
  <TimeSeries name="ts" valueType="json" value="$ts" timeColumn="time">${CHANNELS}</TimeSeries></View>`;
const csvConfig = (extra = 'timeFormat="%Y-%m-%d"') =>
  `<View><TimeSeriesLabels name="label" toName="ts"><Label value="doji"/><Label value="engulfing"/></TimeSeriesLabels>
  <TimeSeries name="ts" valueType="url" value="$csv" timeColumn="timestamp" ${extra} sep=",">${CHANNELS}</TimeSeries></View>`;

let ibm: CandleColumns;
let version: string;
const TOKEN = 'owner-token-abc';
let files: http.Server;
let filesUrl = '';
const served = new Map<string, string>();
let requestsSeen: Array<{ url: string; auth: string | undefined }> = [];

const lsPredict = (body: unknown) => call(lsPredictRoute.POST, 'POST', '/api/ls/predict', { body });
const setup = (body: unknown) => call(setupRoute.POST, 'POST', '/api/ls/setup', { body });
const hook = (body: unknown, headers?: Record<string, string>, as?: null) =>
  call(webhookRoute.POST, 'POST', '/api/ls/webhook', { body, headers, as });
const spansOf = async (datasetId: number) =>
  (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations as Array<{
    start: number;
    end: number;
  }>;
const datasets = async () =>
  (await call(datasetsRoute.GET, 'GET', '/api/datasets')).body.datasets as Array<{
    id: number;
    name: string;
    candleCount: number;
  }>;

function series(start: number, end: number) {
  const pick = (k: keyof CandleColumns) => Array.from(ibm[k].subarray(start, end));
  return {
    time: pick('time'),
    open: pick('open'),
    high: pick('high'),
    low: pick('low'),
    close: pick('close'),
    volume: pick('volume'),
  };
}
const region = (id: string, start: number, end: number, label = 'doji') => ({
  id,
  from_name: 'label',
  to_name: 'ts',
  type: 'timeserieslabels',
  value: { start, end, instant: start === end, timeserieslabels: [label] },
});
const project = (id: number, createdAt = '2026-01-02T03:04:05.678901Z') => ({
  id,
  created_at: createdAt,
  label_config: JSON_CONFIG,
});

beforeAll(async () => {
  process.env.CANDLE_MODELS_DIR = registry;
  version = await trainSmallLsModel(registry, 'ls-interop');
  ibm = (await importCsvFile(path.join(SAMPLES_DIR, 'ibm_daily.csv'))).series[0].candles;
  // A stand-in for Label Studio's /data/upload: files need the owner's token, like Label Studio's.
  files = http.createServer((req, res) => {
    requestsSeen.push({ url: req.url ?? '', auth: req.headers.authorization });
    if (req.url === '/data/upload/9/slow.csv') return; // never answers
    if (req.headers.authorization !== `Token ${TOKEN}`) {
      res.writeHead(401).end('{"detail":"Authentication credentials were not provided."}');
      return;
    }
    const body = served.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'text/csv' }).end(body);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  const aapl = fs.readFileSync(path.join(SAMPLES_DIR, 'aapl_daily.csv'), 'utf8').split('\n');
  served.set('/data/upload/9/aapl.csv', aapl.slice(0, 501).join('\n'));
  served.set('/data/upload/9/big.csv', aapl.join('\n'));
  // Epoch seconds, no timeFormat: Label Studio uses the numbers as they are.
  served.set(
    '/data/upload/9/epoch.csv',
    [
      'timestamp,open,high,low,close,volume',
      ...aapl.slice(1, 401).map((l) => {
        const [d, ...rest] = l.split(',');
        return [Date.parse(`${d}T00:00:00Z`) / 1000, ...rest].join(',');
      }),
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await new Promise((r) => files.close(r));
  env.cleanup();
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

describe('label config: a real XML parser with limits (issue 11 payloads answered within 100 ms)', () => {
  const comments = '<!--'.repeat(262_144); // 1 MB of comment openers: 57.7 s with the old regular expressions
  const underLimit = `<View>${'<!--'.repeat(60_000)}</View>`; // 240 KB, parsed (linear) and refused
  const deep = `${'<View>'.repeat(40_000)}${'</View>'.repeat(40_000)}`;
  // An annotation event whose task and region are already stored: the answer is the config's
  // parse plus an idempotent no-op, which is what the 100 ms are about.
  const event = (labelConfig: string) => ({
    action: 'ANNOTATION_UPDATED',
    project: { id: 1, label_config: labelConfig },
    task: { id: 1, data: { ts: series(0, 50) } },
    annotation: { id: 1, result: [region('x', series(0, 50).time[3], series(0, 50).time[4])] },
  });
  beforeAll(async () => {
    // Warm: the first request of a process opens the database and loads the route's modules.
    expect((await hook(event(JSON_CONFIG))).body.status).toBe('stored');
    await setup({ schema: JSON_CONFIG });
  });
  /**
   * The fastest of three answers: a super-linear parse (57.7 s for 1 MB before) is slow every
   * time, while on this shared 2-core machine one answer in three can wait on the scheduler or
   * on SQLite's fsync.
   */
  const timed = async (f: () => Promise<{ status: number; body: any }>) => {
    let best: { status: number; body: any; ms: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await f();
      const ms = performance.now() - t0;
      if (!best || ms < best.ms) best = { ...res, ms };
    }
    return best!;
  };

  it.each([
    ['1 MB of <!-- openers', comments],
    ['240 KB of unclosed comments', underLimit],
    ['40,000 nested elements', deep],
  ])('%s: /setup refuses it and /webhook answers, each in under 100 ms', async (_name, xml) => {
    const s = await timed(() => setup({ project: 1, schema: xml }));
    console.log(`[ls/redos] ${_name}: /setup ${s.status} in ${s.ms.toFixed(1)} ms`);
    expect(s.status).toBeGreaterThanOrEqual(400);
    expect(s.status).toBeLessThan(500);
    expect(s.ms).toBeLessThan(100);
    const w = await timed(() => hook(event(xml)));
    console.log(`[ls/redos] ${_name}: /webhook ${w.status} in ${w.ms.toFixed(1)} ms`);
    // The webhook does not need the config for a task whose dataset it knows: the event applies.
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ status: 'stored', sync: { unchanged: 1, created: 0 } });
    expect(w.ms).toBeLessThan(100);
  });
});

describe('/setup refuses what the backend cannot serve, and remembers the project', () => {
  it.each([
    ['no time column', JSON_CONFIG.replace(' timeColumn="time"', ''), /timeColumn/],
    ['no price channels', JSON_CONFIG.replace(CHANNELS, '<Channel column="value"/>'), /open, high, low, close/],
    ['an unknown time format', csvConfig('timeFormat="%Y-%K"'), /timeFormat|strftime/],
    ['a two-character sep', csvConfig().replace('sep=","', 'sep=";;"'), /sep/],
  ])('%s → 400 LS_UNSUPPORTED_LABEL_CONFIG', async (_name, schema, message) => {
    const res = await setup({ project: '5.1700000000', schema });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('LS_UNSUPPORTED_LABEL_CONFIG');
    expect(res.body.error.message).toMatch(message);
  });

  it('extra_params: unknown keys are a 400; known ones are kept', async () => {
    const bad = await setup({ project: '5.1700000000', schema: JSON_CONFIG, extra_params: { min_conf: 0.5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('LS_INVALID_EXTRA_PARAMS');
    const ok = await setup({ project: '5.1700000000', schema: JSON_CONFIG, extra_params: { min_confidence: 0.5 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ model_version: version });
  });
});

describe('/predict serves any batch size, each task on its own', () => {
  it('150 tasks in one call (more than 64), one broken task failing alone', async () => {
    const tasks: Array<{ id: number; data: Record<string, unknown> }> = Array.from({ length: 150 }, (_, i) => ({
      id: 1000 + i,
      data: { ts: series(i * 15, i * 15 + 250) },
    }));
    tasks[70] = { id: 1070, data: { ts: { ...series(0, 250), close: undefined } } };
    const t0 = performance.now();
    const res = await lsPredict({ tasks, label_config: JSON_CONFIG });
    const ms = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(150);
    expect(res.body.results[70]).toEqual({
      task: 1070,
      error: { code: 'LS_TASK_DATA_MISSING', message: expect.stringMatching(/task 1070.*close/) },
    });
    expect(res.body.results[70]).not.toHaveProperty('result');
    const served = res.body.results.filter((r: { result?: unknown }) => r.result);
    expect(served).toHaveLength(149);
    for (const r of served) expect(r.model_version).toBe(version);
    expect(served.filter((r: { result: unknown[] }) => r.result.length > 0).length).toBeGreaterThan(100);
    console.log(
      `[ls/predict] 150 tasks × 250 candles in one call: ${ms.toFixed(0)} ms, ${(ms / 150).toFixed(2)} ms per task`,
    );
  });

  it('extra_params from /setup: min_confidence and labels narrow the regions', async () => {
    const tasks = [{ id: 1, data: { ts: series(0, 800) } }];
    const all = (await lsPredict({ tasks, label_config: JSON_CONFIG })).body.results[0].result as Array<{
      score: number;
      value: { timeserieslabels: string[] };
    }>;
    await setup({
      project: '6.1700000000',
      schema: JSON_CONFIG,
      extra_params: { min_confidence: 0.8, labels: 'doji' },
    });
    const few = (await lsPredict({ tasks, project: '6.1700000000' })).body.results[0].result as typeof all;
    expect(all.length).toBeGreaterThan(few.length);
    expect(all.some((r) => r.value.timeserieslabels[0] === 'engulfing')).toBe(true);
    for (const r of few) {
      expect(r.score).toBeGreaterThanOrEqual(0.8);
      expect(r.value.timeserieslabels).toEqual(['doji']);
    }
  });
});

describe('file-URL tasks (a CSV uploaded to Label Studio)', () => {
  const P = '9.1700000000';
  it("fetched with the token /setup sent, parsed with the config's columns and timeFormat", async () => {
    expect((await setup({ project: P, schema: csvConfig(), hostname: filesUrl, access_token: TOKEN })).status).toBe(
      200,
    );
    requestsSeen = [];
    const res = await lsPredict({ tasks: [{ id: 1, data: { csv: '/data/upload/9/aapl.csv' } }], project: P });
    expect(res.status).toBe(200);
    expect(requestsSeen).toEqual([{ url: '/data/upload/9/aapl.csv', auth: `Token ${TOKEN}` }]);
    const days = served
      .get('/data/upload/9/aapl.csv')!
      .split('\n')
      .slice(1)
      .map((l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
    const regions = res.body.results[0].result as Array<{ value: { start: number; end: number } }>;
    expect(regions.length).toBeGreaterThan(0);
    for (const r of regions) {
      expect(days).toContain(r.value.start);
      expect(days).toContain(r.value.end);
    }
  });

  it('epoch seconds without timeFormat: regions in seconds, as Label Studio shows them', async () => {
    await setup({ project: '10.1700000000', schema: csvConfig(''), hostname: filesUrl, access_token: TOKEN });
    const res = await lsPredict({
      tasks: [{ id: 1, data: { csv: '/data/upload/9/epoch.csv' } }],
      project: '10.1700000000',
    });
    const regions = res.body.results[0].result as Array<{ value: { start: number } }>;
    expect(regions.length).toBeGreaterThan(0);
    for (const r of regions) expect(r.value.start).toBeLessThan(1e11);
  });

  it('refused token, another host, too large, too slow, no setup: clear per-task errors', async () => {
    process.env.CANDLE_LS_FILE_TIMEOUT_MS = '300';
    process.env.CANDLE_LS_FILE_MAX_BYTES = String(60 * 1024); // aapl.csv (500 rows) fits, big.csv does not
    try {
      await setup({ project: '11.1700000000', schema: csvConfig(), hostname: filesUrl, access_token: 'wrong' });
      await setup({ project: P, schema: csvConfig(), hostname: filesUrl, access_token: TOKEN });
      const wrongToken = await lsPredict({
        tasks: [{ id: 1, data: { csv: '/data/upload/9/aapl.csv' } }],
        project: '11.1700000000',
      });
      expect(wrongToken.body.error).toMatchObject({
        code: 'LS_TASK_FILE_UNREACHABLE',
        message: expect.stringMatching(/401.*token/),
      });
      const res = await lsPredict({
        tasks: [
          { id: 1, data: { csv: 'http://169.254.169.254/latest/meta-data' } },
          { id: 2, data: { csv: '/data/upload/9/big.csv' } },
          { id: 3, data: { csv: '/data/upload/9/slow.csv' } },
          { id: 4, data: { csv: '/data/upload/9/aapl.csv' } },
        ],
        project: P,
      });
      expect(res.status).toBe(200);
      const codes = res.body.results.map((r: { error?: { code: string } }) => r.error?.code ?? 'ok');
      expect(codes).toEqual(['LS_TASK_FILE_REFUSED', 'LS_TASK_FILE_TOO_LARGE', 'LS_TASK_FILE_UNREACHABLE', 'ok']);
      expect(res.body.results[2].error.message).toMatch(/longer than 0.3 s/);
      const noSetup = await lsPredict({
        tasks: [{ id: 1, data: { csv: '/data/upload/9/aapl.csv' } }],
        label_config: csvConfig(),
      });
      expect(noSetup.body.error.code).toBe('LS_SETUP_REQUIRED');
    } finally {
      delete process.env.CANDLE_LS_FILE_TIMEOUT_MS;
      delete process.env.CANDLE_LS_FILE_MAX_BYTES;
    }
  });

  it('an annotation on a file task creates the task dataset from the CSV', async () => {
    const csvProject = { id: 9, created_at: new Date(1_700_000_000_000).toISOString(), label_config: csvConfig() };
    const days = served
      .get('/data/upload/9/aapl.csv')!
      .split('\n')
      .slice(1)
      .map((l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
    const res = await hook({
      action: 'ANNOTATION_CREATED',
      project: csvProject,
      task: { id: 31, data: { csv: '/data/upload/9/aapl.csv' } },
      annotation: { id: 3100, result: [region('f1', days[10], days[12])] },
    });
    expect(res.status).toBe(200);
    const ds = (await datasets()).find((d) => d.id === res.body.datasetId)!;
    expect(ds).toMatchObject({ name: 'Label Studio 9 task 31', candleCount: 500 });
    expect((await spansOf(ds.id)).map((s) => [s.start, s.end])).toEqual([[days[10], days[12]]]);
  });
});

describe('webhook events: bulk, project, identity, problems, secret', () => {
  it('ANNOTATIONS_CREATED (Create Annotations From Predictions) stores each; a repeat changes nothing; a bad one fails alone', async () => {
    const a = series(0, 200);
    const b = series(500, 700);
    const event = {
      action: 'ANNOTATIONS_CREATED',
      project: project(20),
      annotation: [
        { id: 2001, task: 201, result: [region('p1', a.time[10], a.time[12])] },
        { id: 2002, task: 202, result: [region('p2', b.time[3], b.time[3], 'engulfing')] },
        { id: 2003, task: 203, result: [region('p3', 1, 2)] },
      ],
      task: [
        { id: 201, data: { ts: a } },
        { id: 202, data: { ts: b } },
        { id: 203, data: { other: true } },
      ],
    };
    const res = await hook(event);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'bulk', applied: 2, failed: 1 });
    expect(res.body.items[2]).toMatchObject({
      status: 'failed',
      annotation: '2003',
      code: 'LS_TASK_DATA_MISSING',
      problemId: expect.any(Number),
    });
    const [d1, d2] = [res.body.items[0].datasetId, res.body.items[1].datasetId];
    expect((await spansOf(d1)).map((s) => [s.start, s.end])).toEqual([[a.time[10], a.time[12]]]);
    expect((await spansOf(d2)).map((s) => [s.start, s.end])).toEqual([[b.time[3], b.time[3]]]);
    const again = await hook({ ...event, annotation: event.annotation.slice(0, 2), task: event.task.slice(0, 2) });
    expect(
      again.body.items.map((i: { sync: { created: number; unchanged: number } }) => [i.sync.created, i.sync.unchanged]),
    ).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect((await datasets()).filter((d) => d.name.startsWith('Label Studio 20 task 20'))).toHaveLength(2);
  });

  it('a task id reused with other data is a new task: its annotation lands on its own candles, never the old dataset', async () => {
    const old = series(1000, 1200);
    const fresh = series(2000, 2200);
    const first = await hook({
      action: 'ANNOTATION_CREATED',
      project: project(21),
      task: { id: 69, data: { ts: old } },
      annotation: { id: 6900, result: [region('o', old.time[5], old.time[6])] },
    });
    // Task 69 deleted in Label Studio, the TASKS_DELETED webhook lost; a new task gets id 69, and
    // (SQLite) its annotation the id 6900 again.
    const second = await hook({
      action: 'ANNOTATION_CREATED',
      project: project(21),
      task: { id: 69, data: { ts: fresh } },
      annotation: { id: 6900, result: [region('n', fresh.time[50], fresh.time[52])] },
    });
    expect(second.status).toBe(200);
    expect(second.body.datasetId).not.toBe(first.body.datasetId);
    expect((await spansOf(second.body.datasetId)).map((s) => [s.start, s.end])).toEqual([
      [fresh.time[50], fresh.time[52]],
    ]);
    // The old annotation 6900 is gone in Label Studio (its id was reused): its span went with it.
    expect(await spansOf(first.body.datasetId)).toEqual([]);
    const names = (await datasets()).filter((d) => d.name.startsWith('Label Studio 21 task 69')).map((d) => d.name);
    expect(names.sort()).toEqual(['Label Studio 21 task 69', 'Label Studio 21 task 69 (2)']);
  });

  it("PROJECT_DELETED removes the spans of all the project's annotations (idempotent)", async () => {
    const s = series(0, 100);
    const created = await hook({
      action: 'ANNOTATION_CREATED',
      project: project(22),
      task: { id: 1, data: { ts: s } },
      annotation: { id: 2201, result: [region('q', s.time[1], s.time[2])] },
    });
    expect(await spansOf(created.body.datasetId)).toHaveLength(1);
    const deleted = await hook({ action: 'PROJECT_DELETED', project: { id: 22 } });
    expect(deleted.body).toMatchObject({ status: 'deleted', annotations: ['2201'], deleted: 1 });
    expect(await spansOf(created.body.datasetId)).toEqual([]);
    expect((await hook({ action: 'PROJECT_DELETED', project: { id: 22 } })).body).toMatchObject({ deleted: 0 });
  });

  it('an event that cannot be applied is stored, listed, retried after the cause is fixed, or dismissed', async () => {
    const csvProject = { id: 23, created_at: new Date(1_700_000_000_000).toISOString(), label_config: csvConfig() };
    const days = served
      .get('/data/upload/9/aapl.csv')!
      .split('\n')
      .slice(1)
      .map((l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
    const event = {
      action: 'ANNOTATION_CREATED',
      project: csvProject,
      task: { id: 5, data: { csv: '/data/upload/9/aapl.csv' } },
      annotation: { id: 2301, result: [region('z', days[1], days[2])] },
    };
    const failed = await hook(event);
    expect(failed.status).toBe(400);
    expect(failed.body.error).toMatchObject({ code: 'LS_SETUP_REQUIRED', details: { problemId: expect.any(Number) } });
    const id = failed.body.error.details.problemId;
    const listed = await call(problemsRoute.GET, 'GET', '/api/ls/problems');
    expect(listed.body.problems.find((p: { id: number }) => p.id === id)).toMatchObject({
      action: 'ANNOTATION_CREATED',
      project: '23.1700000000',
      task: '5',
      annotation: '2301',
      code: 'LS_SETUP_REQUIRED',
      attempts: 1,
      resolvedAt: null,
    });
    const retry = () => call(retryRoute.POST, 'POST', `/api/ls/problems/${id}/retry`, { params: { id: String(id) } });
    expect((await retry()).body.problem).toMatchObject({ attempts: 2, resolvedAt: null });
    await setup({ project: '23.1700000000', schema: csvConfig(), hostname: filesUrl, access_token: TOKEN });
    const applied = await retry();
    expect(applied.body.problem).toMatchObject({ attempts: 3, resolution: 'applied' });
    expect(applied.body.result).toMatchObject({ status: 'stored', report: { imported: 1 } });
    expect((await retry()).status).toBe(409);
    // Another one, dismissed.
    const other = await hook({
      ...event,
      task: { id: 6, data: {} },
      annotation: { id: 2302, result: [region('y', 1, 2)] },
    });
    const otherId = other.body.error.details.problemId;
    const dismissed = await call(problemRoute.DELETE, 'DELETE', `/api/ls/problems/${otherId}`, {
      params: { id: String(otherId) },
    });
    expect(dismissed.body.problem).toMatchObject({ resolution: 'dismissed' });
    const open = (await call(problemsRoute.GET, 'GET', '/api/ls/problems')).body.problems.map(
      (p: { id: number }) => p.id,
    );
    expect(open).not.toContain(id);
    expect(open).not.toContain(otherId);
  });

  it('with CANDLE_LS_WEBHOOK_SECRET set, the webhook needs X-Candle-Webhook-Secret', async () => {
    process.env.CANDLE_LS_WEBHOOK_SECRET = 's3cret';
    try {
      // Label Studio's calls carry no app token (`as: null`): the secret is their credential.
      const body = { action: 'ANNOTATIONS_DELETED', annotations: [] };
      expect((await hook(body, {}, null)).status).toBe(401);
      expect((await hook(body, { 'X-Candle-Webhook-Secret': 'nope' }, null)).body.error.code).toBe(
        'LS_WEBHOOK_UNAUTHORIZED',
      );
      expect((await hook(body, { 'X-Candle-Webhook-Secret': 's3cret' }, null)).status).toBe(200);
      // Label Studio's ML connection posts START_TRAINING itself, with the backend's Basic auth.
      const basic = (pass: string) => ({
        Authorization: `Basic ${Buffer.from(`label-studio:${pass}`).toString('base64')}`,
      });
      expect((await hook(body, basic('s3cret'))).status).toBe(200);
      expect((await hook(body, basic('other'))).status).toBe(401);
    } finally {
      delete process.env.CANDLE_LS_WEBHOOK_SECRET;
    }
  });
});

describe('/versions, /train, /job_status', () => {
  it('lists versions; /train starts a job whose id is a string; /job_status follows it; an unknown job is 410', async () => {
    const v = await call(versionsRoute.GET, 'GET', '/api/ls/versions');
    expect(v.body).toEqual({ versions: [version], model_version: version });
    const started = await call(trainRoute.POST, 'POST', '/api/ls/train', {
      body: {
        project: '3.1700000000',
        annotations: [],
        label_config: JSON_CONFIG,
        params: { login: null, password: null },
      },
    });
    expect(started.body).toMatchObject({ status: 'started', job: expect.any(String) });
    const status = await call(jobStatusRoute.POST, 'POST', '/api/ls/job_status', { body: { job: started.body.job } });
    expect(status.body).toMatchObject({ job: started.body.job, job_status: 'started' });
    cancelJob(env.db(), started.body.job);
    await waitForJob(started.body.job);
    const after = await call(jobStatusRoute.POST, 'POST', '/api/ls/job_status', { body: { job: started.body.job } });
    expect(['finished', 'failed']).toContain(after.body.job_status);
    expect((await call(jobStatusRoute.POST, 'POST', '/api/ls/job_status', { body: { job: 'nope' } })).status).toBe(410);
  }, 120_000);
});

describe("labelstudio export uses the project's config", () => {
  it('names the series key and columns of the project set up last, and refuses a CSV-file project', async () => {
    const created = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=export%20me&onInvalidRow=skip', {
      raw: fs.readFileSync(path.join(SAMPLES_DIR, 'goog_daily.csv')),
    });
    const datasetId = created.body.datasets[0].id;
    const times = (await importCsvFile(path.join(SAMPLES_DIR, 'goog_daily.csv'))).series[0].candles.time;
    const labels = await call((await import('@/app/api/labels/route')).GET, 'GET', '/api/labels');
    const doji = labels.body.labels.find((l: { name: string }) => l.name.toLowerCase() === 'doji');
    await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId, labelId: doji.id, start: times[3], end: times[4] },
      as: 'ann@example.com', // the span's annotator is its signed-in author
    });
    const custom = JSON_CONFIG.replace('value="$ts"', 'value="$series"').replace(
      '<Channel column="open"/>',
      '<Channel column="Open"/>',
    );
    await setup({ project: '30.1700000000', schema: custom });
    const res = await call(
      exportRoute.GET,
      'GET',
      `/api/annotations/export?format=labelstudio&datasetId=${datasetId}&lsCompletedBy=annotator`,
    );
    const tasks = JSON.parse(res.text);
    expect(Object.keys(tasks[0].data.series)).toEqual(['time', 'Open', 'high', 'low', 'close', 'volume']);
    expect(tasks[0].data.series.time).toHaveLength(times.length);
    expect(tasks[0].annotations[0].completed_by).toEqual({ email: 'ann@example.com' });
    await setup({ project: '31.1700000000', schema: csvConfig(), hostname: filesUrl, access_token: TOKEN });
    const refused = await call(
      exportRoute.GET,
      'GET',
      `/api/annotations/export?format=labelstudio&datasetId=${datasetId}`,
    );
    expect(refused.body.error.code).toBe('LS_EXPORT_NEEDS_JSON_CONFIG');
  });
});
