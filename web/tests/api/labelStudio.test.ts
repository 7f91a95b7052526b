import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as healthRoute from '@/app/api/ls/health/route';
import * as setupRoute from '@/app/api/ls/setup/route';
import * as lsPredictRoute from '@/app/api/ls/predict/route';
import * as webhookRoute from '@/app/api/ls/webhook/route';
import { cancelJob, waitForJob } from '@/features/training/server/trainingJobs';
import { importCsvFile, train, type CandleColumns } from '@/server/engine';
import { call, sampleBytes, SAMPLES_DIR, useTempDatabase } from '../support/routeHarness';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const env = useTempDatabase();
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
  version = (
    await train({
      rootDir: REPO_ROOT,
      config: {
        seed: 7,
        data: { series: [{ path: 'data/samples/aapl_daily.csv', symbol: 'AAPL', timeframe: '1d' }] },
        features: { geometry: true, indicators: true, patterns: false, lags: 2 },
        labels: { annotations: [], talib: { patterns: ['engulfing', 'doji'], directions: ['bullish', 'bearish'] }, min_examples: 10 },
        dataset: { encoding: 'bio', window: 2, lookahead: 1, output_dir: path.join(registry, 'dataset') },
        split: { train: 0.7, validation: 0.15, test: 0.15 },
        model: { type: 'lightgbm', rounds: 20, learning_rate: 0.1, num_leaves: 15 },
        registry: { root: registry, name: 'ls-test-patterns' },
      },
    })
  ).version;
  ibm = (await importCsvFile(path.join(SAMPLES_DIR, 'ibm_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles;
  const created = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', { raw: sampleBytes('msft_daily.csv') });
  datasetId = created.body.datasets[0].id;
  msftTimes = Array.from((await importCsvFile(path.join(SAMPLES_DIR, 'msft_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles.time);
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
    const ok = await call(setupRoute.POST, 'POST', '/api/ls/setup', { body: { project: 3, schema: LABEL_CONFIG, hostname: 'http://ls:8080', access_token: 'x', model_version: 'initial' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ model_version: version });
    const bad = await call(setupRoute.POST, 'POST', '/api/ls/setup', { body: { project: 3, schema: '<View><Image name="img" value="$image"/><Choices name="c" toName="img"/></View>' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('LS_UNSUPPORTED_LABEL_CONFIG');
  });

  it('POST /api/ls/predict: timeserieslabels regions per task, named from the config, with scores and the champion version', async () => {
    const series = inlineSeries(1000, 1400);
    const res = await lsPredict({ tasks: [{ id: 11, data: { series } }, { id: 12, data: { datasetId, from: msftTimes[300], to: msftTimes[699] } }], label_config: LABEL_CONFIG, project: '3.1700000000' });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(2);
    for (const [i, task] of res.body.results.entries()) {
      expect(task.model_version).toBe(version);
      expect(task.result.length).toBeGreaterThan(0);
      const times = i === 0 ? series.t : msftTimes.slice(300, 700);
      for (const r of task.result) {
        expect(r).toMatchObject({ from_name: 'pattern', to_name: 'chart', type: 'timeserieslabels', value: { instant: false } });
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
    const unknown = await lsPredict({ tasks: [{ data: { series } }], label_config: '<View><Text name="t" value="$text"/><Labels name="l" toName="t"/></View>' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('LS_UNSUPPORTED_LABEL_CONFIG');
    const missing = await lsPredict({ tasks: [{ id: 5, data: { other: 1 } }], label_config: LABEL_CONFIG });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('LS_TASK_DATA_MISSING');
    expect(missing.body.error.message).toMatch(/task 5/);
    const noColumn = await lsPredict({ tasks: [{ data: { series: { ...series, C: undefined } } }], label_config: LABEL_CONFIG });
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
          { id: 'a1', from_name: 'pattern', to_name: 'chart', type: 'timeserieslabels', value: { start: msftTimes[100], end: msftTimes[104], instant: false, timeserieslabels: ['Bull flag'] } },
          { id: 'a2', from_name: 'pattern', to_name: 'chart', type: 'timeserieslabels', value: { start: msftTimes[200], end: msftTimes[200], instant: true, timeserieslabels: ['Doji'] } },
        ],
      },
    };
    const res = await hook(event);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'stored', datasetId, report: { imported: 2, duplicates: 0 } });
    const list = await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`);
    const spans = list.body.annotations;
    expect(spans).toHaveLength(2);
    expect(spans.map((s: { start: number; end: number }) => [s.start, s.end]).sort()).toEqual([[msftTimes[100], msftTimes[104]], [msftTimes[200], msftTimes[200]]].sort());
    for (const s of spans) expect(s).toMatchObject({ source: 'human', annotator: 'label-studio:4', kind: 'positive' });
    // ANNOTATION_UPDATED with the same regions plus one: only the new one is added.
    event.annotation.result.push({ id: 'a3', from_name: 'pattern', to_name: 'chart', type: 'timeserieslabels', value: { start: msftTimes[300], end: msftTimes[302], instant: false, timeserieslabels: ['Doji'] } });
    const updated = await hook({ ...event, action: 'ANNOTATION_UPDATED' });
    expect(updated.body).toMatchObject({ status: 'stored', report: { imported: 1, duplicates: 2 } });
  });

  it('webhook with an inline-series task creates the task dataset and stores the spans there', async () => {
    const series = inlineSeries(0, 200);
    const res = await hook({
      action: 'ANNOTATION_CREATED',
      project: { id: 3, label_config: LABEL_CONFIG },
      task: { id: 42, data: { series } },
      annotation: { completed_by: { id: 2, email: 'ann@example.com' }, result: [{ type: 'timeserieslabels', from_name: 'pattern', to_name: 'chart', value: { start: series.t[10], end: series.t[12], timeserieslabels: ['engulfing'] } }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('stored');
    expect(res.body.datasetId).not.toBe(datasetId);
    const spans = (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${res.body.datasetId}`)).body.annotations;
    expect(spans).toEqual([expect.objectContaining({ start: series.t[10], end: series.t[12], annotator: 'ann@example.com', source: 'human' })]);
  });

  it('webhook: unknown actions are 200 ignored; a malformed annotation is 400', async () => {
    for (const action of ['PROJECT_UPDATED', 'TASKS_CREATED', 'SOMETHING_NEW']) {
      const res = await hook({ action, project: { id: 3 } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ignored', action });
    }
    const bad = await hook({ action: 'ANNOTATION_CREATED', project: 3, task: { id: 1, data: { datasetId } }, annotation: { result: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const noAction = await hook({ project: 3 });
    expect(noAction.status).toBe(400);
  });

  it('webhook START_TRAINING starts a training job (or says why not)', async () => {
    const res = await hook({ action: 'START_TRAINING', project: { id: 3 } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('started');
    const again = await hook({ action: 'START_TRAINING', project: { id: 3 } });
    expect(again.body).toMatchObject({ status: 'not_started', code: 'TRAINING_BUSY' });
    cancelJob(env.db(), res.body.job.id);
    const done = await waitForJob(res.body.job.id);
    expect(['cancelled', 'succeeded', 'failed']).toContain(done.state);
  }, 120_000);
});
