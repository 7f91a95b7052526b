import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvFile, type Candles } from '@candle-annotator/engine';
import { freePort, SAMPLES_DIR, startServer, tempDbPath, WEB_DIR, type RunningServer } from '../e2e/server';
import { trainSmallLsModel } from '../support/lsModel';
import { appEnv, labelStudioUser, mlBackendAuth, webhookHeaders } from './credentials';

/**
 * The app as the ML backend of a REAL Label Studio (PyPI label-studio, pinned in
 * scripts/labelstudio.sh; its own venv under .labelstudio/, sqlite, loopback), driven through
 * Label Studio's REST API as a user's clicks would drive it. After each step the spans in the app
 * are checked. Scenarios of issue 12: (1) a CSV time series uploaded the normal way, (2) retrieve
 * predictions on more than 64 tasks, (3) the app's labelstudio export imported into Label Studio,
 * (4) "Create Annotations From Predictions", (5) a task id Label Studio reuses after a delete; plus
 * create/update/delete of an annotation and Start Training. Run with `npm run test:labelstudio`.
 */

const REPO_ROOT = path.resolve(WEB_DIR, '..');
const BULK_TASKS = 130;
const JSON_CONFIG = `<View>
  <TimeSeriesLabels name="label" toName="ts">
    <Label value="doji"/><Label value="engulfing"/>
  </TimeSeriesLabels>
  <TimeSeries name="ts" valueType="json" value="$ts" timeColumn="time">
    <Channel column="open"/><Channel column="high"/><Channel column="low"/><Channel column="close"/><Channel column="volume"/>
  </TimeSeries>
</View>`;
const CSV_CONFIG = `<View>
  <TimeSeriesLabels name="pattern" toName="prices">
    <Label value="doji"/><Label value="engulfing"/>
  </TimeSeriesLabels>
  <TimeSeries name="prices" valueType="url" value="$csv" timeColumn="timestamp" timeFormat="%Y-%m-%d" sep=",">
    <Channel column="open"/><Channel column="high"/><Channel column="low"/><Channel column="close"/><Channel column="volume"/>
  </TimeSeries>
</View>`;

let lsUrl = '';
let lsProcess: ChildProcess | null = null;
let lsLog = '';
let app: RunningServer;
let lsDir = '';
let db: { dir: string; file: string };
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-ls-interop-models-'));
const previousEnv = { ...process.env };
let ibm: Candles;

type Json = any;

async function ls(method: string, route: string, body?: unknown, form?: FormData): Promise<Json> {
  const res = await fetch(`${lsUrl}${route}`, {
    method,
    headers: {
      Authorization: `Token ${labelStudioUser.token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: form ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Label Studio ${method} ${route} → ${res.status}: ${text.slice(0, 600)}`);
  return text ? JSON.parse(text) : null;
}

/** The app's API, signed in as its admin (an API token: tests/e2e/server.ts). */
async function appJson(route: string, init?: RequestInit): Promise<Json> {
  const res = await app.fetch(route, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`app ${route} → ${res.status}: ${JSON.stringify(body).slice(0, 600)}`);
  return body;
}

async function datasetNamed(name: string): Promise<{ id: number; name: string; candleCount: number } | undefined> {
  const { datasets } = await appJson('/api/datasets');
  return datasets.find((d: { name: string }) => d.name === name);
}

async function spansOf(
  datasetId: number,
): Promise<Array<{ start: number; end: number; labelId: number; annotator: string }>> {
  return (await appJson(`/api/annotations?datasetId=${datasetId}`)).annotations;
}

const ranges = (list: Array<{ start: number; end: number }>) =>
  list.map((s) => [s.start, s.end]).sort((a, b) => a[0] - b[0]);

function series(start: number, end: number) {
  const pick = (k: keyof Candles) => Array.from(ibm[k].subarray(start, end));
  return {
    time: pick('time'),
    open: pick('open'),
    high: pick('high'),
    low: pick('low'),
    close: pick('close'),
    volume: pick('volume'),
  };
}

function region(id: string, start: number, end: number, label = 'doji', from = 'label', to = 'ts') {
  return {
    id,
    from_name: from,
    to_name: to,
    type: 'timeserieslabels',
    value: { start, end, instant: start === end, timeserieslabels: [label] },
  };
}

async function startLabelStudio(): Promise<void> {
  lsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-labelstudio-'));
  const port = await freePort();
  lsUrl = `http://127.0.0.1:${port}`;
  lsProcess = spawn(
    'bash',
    [path.join(REPO_ROOT, 'scripts/labelstudio.sh'), 'start', path.join(lsDir, 'data'), String(port)],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        LABEL_STUDIO_USERNAME: labelStudioUser.email,
        LABEL_STUDIO_PASSWORD: labelStudioUser.password,
        LABEL_STUDIO_USER_TOKEN: labelStudioUser.token,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  lsProcess.stdout?.on('data', (d) => (lsLog = (lsLog + d).slice(-20_000)));
  lsProcess.stderr?.on('data', (d) => (lsLog = (lsLog + d).slice(-20_000)));
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (lsProcess.exitCode !== null) throw new Error(`Label Studio exited (${lsProcess.exitCode}):\n${lsLog}`);
    try {
      const res = await fetch(`${lsUrl}/api/projects`, {
        headers: { Authorization: `Token ${labelStudioUser.token}` },
      });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`Label Studio did not answer within 10 min:\n${lsLog}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A project connected to the app as its ML backend, its webhook carrying the shared secret. */
async function connectedProject(title: string, labelConfig: string) {
  const project = await ls('POST', '/api/projects', { title, label_config: labelConfig });
  const backend = await ls('POST', '/api/ml', {
    project: project.id,
    url: `${app.url}/api/ls`,
    title: 'candle-annotator',
    is_interactive: false,
    ...mlBackendAuth,
  });
  const hooks = (await ls('GET', `/api/webhooks?project=${project.id}`)) as Array<{ id: number; url: string }>;
  // Label Studio creates the backend's webhook itself: exactly one, to /webhook (no second one to add).
  expect(hooks.map((h) => h.url)).toEqual([`${app.url}/api/ls/webhook`]);
  await ls('PATCH', `/api/webhooks/${hooks[0].id}`, { headers: webhookHeaders });
  return { project, backend };
}

async function importTasks(projectId: number, tasks: unknown[]): Promise<number[]> {
  const res = await ls('POST', `/api/projects/${projectId}/import?return_task_ids=true`, tasks);
  return res.task_ids as number[];
}

beforeAll(async () => {
  process.env.CANDLE_MODELS_DIR = registry;
  Object.assign(process.env, appEnv);
  ibm = (await importCsvFile(path.join(SAMPLES_DIR, 'ibm_daily.csv'))).series[0].candles;
  db = tempDbPath('labelstudio');
  // One model thread: Label Studio starts beside the fit on this machine's cores.
  const model = trainSmallLsModel(registry, 'ls-interop', { threads: 1 });
  await Promise.all([model, startLabelStudio()]);
  app = await startServer(db.file, { demo: false });
}, 900_000);

afterAll(async () => {
  await app?.stop();
  if (lsProcess?.pid && lsProcess.exitCode === null) {
    try {
      process.kill(-lsProcess.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await new Promise((r) => setTimeout(r, 1000));
    try {
      process.kill(-lsProcess.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const dir of [lsDir, db?.dir, registry]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  process.env = previousEnv;
}, 60_000);

describe('a real Label Studio with the app as its ML backend', () => {
  let json: { project: Json; backend: Json };
  let bulkIds: number[] = [];

  it('connects: health and setup pass, the one webhook Label Studio made carries the secret, /versions answers', async () => {
    json = await connectedProject('candles (json)', JSON_CONFIG);
    const backend = await ls('GET', `/api/ml/${json.backend.id}`);
    expect(backend.state).toBe('CO');
    const versions = await ls('GET', `/api/ml/${json.backend.id}/versions`);
    expect(versions.versions).toHaveLength(1);
    // Without the secret the webhook refuses (the one Label Studio sends carries it).
    const bare = await fetch(`${app.url}/api/ls/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'ANNOTATIONS_DELETED', annotations: [] }),
    });
    expect(bare.status).toBe(401);
  });

  it('refuses, at connection, a config the backend cannot serve (no time column), with the reason', async () => {
    const noTime = JSON_CONFIG.replace(' timeColumn="time"', '');
    const project = await ls('POST', '/api/projects', { title: 'no time column', label_config: noTime });
    const created = await fetch(`${lsUrl}/api/ml`, {
      method: 'POST',
      headers: { Authorization: `Token ${labelStudioUser.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        project: project.id,
        url: `${app.url}/api/ls`,
        title: 'candle-annotator',
        ...mlBackendAuth,
      }),
    });
    // Label Studio refuses to save the backend; it names /setup's 400, not our reason (that one is
    // in the app's answer and its log: "label config refused: … has no timeColumn …").
    expect(created.status).toBe(400);
    expect(await created.text()).toMatch(/400 Client Error: Bad Request for url: .*\/api\/ls\/setup/);
    const direct = await app.fetch('/api/ls/setup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ project: project.id, schema: noTime }),
    });
    expect((await direct.json()).error).toMatchObject({
      code: 'LS_UNSUPPORTED_LABEL_CONFIG',
      message: expect.stringMatching(/timeColumn/),
    });
    expect(app.output()).toMatch(/label config refused: .*timeColumn/);
  });

  it('scenario 2: "Retrieve predictions" on 130 tasks stores a prediction for each good task; a broken task fails alone', async () => {
    const tasks = Array.from({ length: BULK_TASKS }, (_, i) => ({ data: { ts: series(i * 20, i * 20 + 300) } }));
    // One task without its close column: it fails, the others are served.
    const broken = { data: { ts: { ...series(0, 300), close: undefined } } };
    bulkIds = await importTasks(json.project.id, [...tasks, broken]);
    expect(bulkIds).toHaveLength(BULK_TASKS + 1);
    const t0 = performance.now();
    await ls('POST', `/api/dm/actions?id=retrieve_tasks_predictions&project=${json.project.id}`, {
      selectedItems: { all: true, excluded: [] },
    });
    const elapsed = performance.now() - t0;
    const predictions = (await ls('GET', `/api/predictions?project=${json.project.id}`)) as Array<{
      task: number;
      result: Array<{ value: { start: number; end: number; timeserieslabels: string[] } }>;
      score: number;
      model_version: string;
    }>;
    const byTask = new Map(predictions.map((p) => [p.task, p]));
    expect(byTask.size).toBe(BULK_TASKS);
    expect(byTask.has(bulkIds[BULK_TASKS])).toBe(false);
    const withRegions = predictions.filter((p) => p.result.length > 0);
    expect(withRegions.length).toBeGreaterThan(BULK_TASKS / 2);
    for (const p of withRegions.slice(0, 20)) {
      const times = series(bulkIds.indexOf(p.task) * 20, bulkIds.indexOf(p.task) * 20 + 300).time;
      for (const r of p.result) {
        expect(times).toContain(r.value.start);
        expect(times).toContain(r.value.end);
        expect(['doji', 'engulfing']).toContain(r.value.timeserieslabels[0]);
      }
    }
    // The app logs each /predict call: Label Studio sent every task in one call.
    const calls = [...app.output().matchAll(/\[api\/ls\/predict\] (\d+) tasks \((\d+) failed\) in (\d+) ms/g)];
    const last = calls[calls.length - 1];
    expect(Number(last[1])).toBe(BULK_TASKS + 1);
    expect(Number(last[2])).toBe(1);
    console.log(
      `[labelstudio] retrieve predictions: ${last[1]} tasks in one /predict call, ${BULK_TASKS} predictions stored; ` +
        `the app: ${last[3]} ms = ${(Number(last[3]) / (BULK_TASKS + 1)).toFixed(1)} ms per task; ` +
        `the whole action through Label Studio: ${elapsed.toFixed(0)} ms = ${(elapsed / (BULK_TASKS + 1)).toFixed(1)} ms per task`,
    );
  });

  it('scenario 4: "Create Annotations From Predictions" (ANNOTATIONS_CREATED) stores the regions as spans', async () => {
    const predictions = (await ls('GET', `/api/predictions?project=${json.project.id}`)) as Array<{
      task: number;
      result: Array<{ value: { start: number; end: number } }>;
    }>;
    const chosen = predictions.filter((p) => p.result.length > 0).slice(0, 3);
    await ls('POST', `/api/dm/actions?id=predictions_to_annotations&project=${json.project.id}`, {
      selectedItems: { all: false, included: chosen.map((p) => p.task) },
    });
    for (const p of chosen) {
      const dataset = await datasetNamed(`Label Studio ${json.project.id} task ${p.task}`);
      expect(dataset, `dataset of task ${p.task}`).toBeDefined();
      expect(dataset!.candleCount).toBe(300);
      expect(ranges(await spansOf(dataset!.id))).toEqual(ranges(p.result.map((r) => r.value)));
    }
  });

  it('create → update → delete an annotation: the spans follow each step', async () => {
    const taskId = bulkIds[5];
    const times = series(5 * 20, 5 * 20 + 300).time;
    const annotation = await ls('POST', `/api/tasks/${taskId}/annotations`, {
      result: [region('r1', times[10], times[12]), region('r2', times[40], times[40], 'engulfing')],
    });
    const dataset = await datasetNamed(`Label Studio ${json.project.id} task ${taskId}`);
    expect(dataset).toBeDefined();
    expect(ranges(await spansOf(dataset!.id))).toEqual([
      [times[10], times[12]],
      [times[40], times[40]],
    ]);
    // Label Studio's webhook names the annotator by user id.
    for (const s of await spansOf(dataset!.id)) expect(s.annotator).toMatch(/^label-studio:\d+$/);
    await ls('PATCH', `/api/annotations/${annotation.id}`, { result: [region('r1', times[20], times[23])] });
    expect(ranges(await spansOf(dataset!.id))).toEqual([[times[20], times[23]]]);
    await ls('DELETE', `/api/annotations/${annotation.id}`);
    expect(await spansOf(dataset!.id)).toEqual([]);
  });

  it("scenario 5: a task deleted and a new one imported (Label Studio may reuse the id): the new annotation lands on the new task's candles", async () => {
    const [oldTask] = await importTasks(json.project.id, [{ data: { ts: series(2000, 2300) } }]);
    const oldTimes = series(2000, 2300).time;
    await ls('POST', `/api/tasks/${oldTask}/annotations`, { result: [region('a', oldTimes[5], oldTimes[7])] });
    const oldDataset = await datasetNamed(`Label Studio ${json.project.id} task ${oldTask}`);
    expect(await spansOf(oldDataset!.id)).toHaveLength(1);
    await ls('DELETE', `/api/tasks/${oldTask}`);
    // TASKS_DELETED: the deleted task's annotation no longer has spans here.
    expect(await spansOf(oldDataset!.id)).toEqual([]);
    const newTimes = series(2600, 2900).time;
    const [newTask] = await importTasks(json.project.id, [{ data: { ts: series(2600, 2900) } }]);
    console.log(
      `[labelstudio] task id after delete: old ${oldTask}, new ${newTask} (${newTask === oldTask ? 'reused' : 'not reused'})`,
    );
    await ls('POST', `/api/tasks/${newTask}/annotations`, { result: [region('b', newTimes[50], newTimes[52])] });
    const { datasets } = await appJson('/api/datasets');
    const newDataset = datasets
      .filter((d: { name: string }) => d.name.startsWith(`Label Studio ${json.project.id} task ${newTask}`))
      .find((d: { id: number }) => d.id !== oldDataset!.id);
    expect(newDataset).toBeDefined();
    expect(ranges(await spansOf(newDataset.id))).toEqual([[newTimes[50], newTimes[52]]]);
    expect(await spansOf(oldDataset!.id)).toEqual([]);
  });

  it('scenario 1: a CSV time series uploaded the normal way gets predictions, and its annotations become spans', async () => {
    const csv = await connectedProject('candles (csv upload)', CSV_CONFIG);
    const rows = fs.readFileSync(path.join(SAMPLES_DIR, 'aapl_daily.csv'), 'utf8').split('\n').slice(0, 601).join('\n');
    const form = new FormData();
    form.append('file', new Blob([rows], { type: 'text/csv' }), 'aapl.csv');
    const uploaded = await ls(
      'POST',
      `/api/projects/${csv.project.id}/import?commit_to_project=false`,
      undefined,
      form,
    );
    await ls('POST', `/api/projects/${csv.project.id}/reimport`, {
      file_upload_ids: uploaded.file_upload_ids,
      files_as_tasks_list: false,
    });
    const tasks = (await ls('GET', `/api/tasks?project=${csv.project.id}`)).tasks as Array<{
      id: number;
      data: { csv: string };
    }>;
    expect(tasks).toHaveLength(1);
    expect(tasks[0].data.csv).toMatch(/^\/data\/upload\//);
    await ls('POST', `/api/dm/actions?id=retrieve_tasks_predictions&project=${csv.project.id}`, {
      selectedItems: { all: true, excluded: [] },
    });
    const predictions = (await ls('GET', `/api/predictions?task=${tasks[0].id}`)) as Array<{ result: Json[] }>;
    expect(predictions).toHaveLength(1);
    expect(predictions[0].result.length).toBeGreaterThan(0);
    const days = rows
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
    for (const r of predictions[0].result) {
      expect(days).toContain(r.value.start);
      expect(days).toContain(r.value.end);
    }
    await ls('POST', `/api/tasks/${tasks[0].id}/annotations`, {
      result: [region('c1', days[30], days[32], 'engulfing', 'pattern', 'prices')],
    });
    const dataset = await datasetNamed(`Label Studio ${csv.project.id} task ${tasks[0].id}`);
    expect(dataset!.candleCount).toBe(600);
    expect(ranges(await spansOf(dataset!.id))).toEqual([[days[30], days[32]]]);
  });

  it("scenario 3: the app's labelstudio export imports into Label Studio, as annotations and as predictions", async () => {
    // A dataset with spans drawn in the app by the Label Studio user.
    const form = fs.readFileSync(path.join(SAMPLES_DIR, 'msft_daily.csv'));
    const created = await appJson('/api/datasets?name=MSFT%20export&symbol=MSFT&onInvalidRow=skip', {
      method: 'POST',
      body: form,
      headers: { 'Content-Type': 'text/csv' },
    });
    const datasetId = created.datasets[0].id;
    const candles = await appJson(`/api/datasets/${datasetId}/candles`);
    const times: number[] = candles.time ?? candles.candles?.time;
    const { labels } = await appJson('/api/labels');
    const doji = labels.find((l: { name: string }) => l.name.toLowerCase() === 'doji');
    // Drawn by the Label Studio user signed in to the app (the annotator of a span is its author).
    const lsUser = await appJson('/api/auth/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: labelStudioUser.email, role: 'annotator' }),
    });
    const { token } = await appJson('/api/auth/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: lsUser.user.id, name: 'interop' }),
    });
    for (const [a, b] of [
      [100, 102],
      [200, 200],
    ])
      await appJson('/api/annotations', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          datasetId,
          labelId: doji.id,
          start: times[a],
          end: times[b],
          annotator: labelStudioUser.email,
        }),
      });
    const target = await ls('POST', '/api/projects', { title: 'imported from the app', label_config: JSON_CONFIG });
    const jsonUid = `${json.project.id}.${Math.floor(Date.parse(json.project.created_at) / 1000)}`;
    const exported = await appJson(
      `/api/annotations/export?format=labelstudio&datasetId=${datasetId}&lsCompletedBy=annotator&lsProject=${jsonUid}`,
    );
    await importTasks(target.id, exported);
    const tasks = (await ls('GET', `/api/tasks?project=${target.id}&fields=all`)).tasks as Array<{ id: number }>;
    expect(tasks).toHaveLength(1);
    const annotations = (await ls('GET', `/api/tasks/${tasks[0].id}/annotations`)) as Array<{
      result: Json[];
      completed_by: number;
    }>;
    expect(annotations).toHaveLength(1);
    // completed_by from the span's annotator (an email of a Label Studio member).
    const me = await ls('GET', '/api/current-user/whoami');
    expect(annotations[0].completed_by).toBe(me.id);
    expect(ranges(annotations[0].result.map((r) => r.value))).toEqual([
      [times[100], times[102]],
      [times[200], times[200]],
    ]);
    const asPredictions = await appJson(
      `/api/annotations/export?format=labelstudio&datasetId=${datasetId}&lsAs=predictions&lsModelVersion=app-export&lsProject=${jsonUid}`,
    );
    const target2 = await ls('POST', '/api/projects', {
      title: 'pre-annotated from the app',
      label_config: JSON_CONFIG,
    });
    const [taskId] = await importTasks(target2.id, asPredictions);
    const predictions = (await ls('GET', `/api/predictions?task=${taskId}`)) as Array<{
      model_version: string;
      score: number;
      result: Json[];
    }>;
    expect(predictions.map((p) => [p.model_version, p.score, p.result.length])).toEqual([['app-export:human', 1, 2]]);
  });

  it('Start Training (START_TRAINING webhook) starts a training job in the app', async () => {
    await ls('POST', `/api/ml/${json.backend.id}/train`, {});
    const { jobs } = await appJson('/api/training');
    const backend = await ls('GET', `/api/ml/${json.backend.id}`);
    expect(
      jobs.length,
      `backend ${backend.state} (${backend.auth_method}): ${backend.error_message}\n${app.output().slice(-3000)}`,
    ).toBeGreaterThan(0);
    const job = jobs[0];
    expect(job.preset).toBe('fast');
    if (job.state === 'running') await appJson(`/api/training/${job.id}/cancel`, { method: 'POST' });
  });

  it('no event was left unapplied (the sync problems list is empty)', async () => {
    const { problems, open } = await appJson('/api/ls/problems');
    expect(open, JSON.stringify(problems).slice(0, 2000)).toBe(0);
  });
});
