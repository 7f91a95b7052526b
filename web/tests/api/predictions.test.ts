import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SMALL from '../../../__test__/fixtures/predict-small.json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as candlesRoute from '@/app/api/datasets/[id]/candles/route';
import * as predictRoute from '@/app/api/predict/route';
import * as batchRoute from '@/app/api/predict/batch/route';
import * as infoRoute from '@/app/api/model/info/route';
import * as modelsRoute from '@/app/api/models/route';
import * as openapiRoute from '@/app/api/openapi/route';
import * as lsHealthRoute from '@/app/api/ls/health/route';
import { importCsvFile, promote, train, type CandleColumns } from '@/server/engine';
import { encodeBinaryColumns } from '@/features/predictions/server';
import { call, sampleBytes, SAMPLES_DIR, createTempDatabase } from '../support/routeHarness';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const env = createTempDatabase();
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-api-models-'));
const scratch: string[] = [];
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

/** The small, fast pipeline config shared with __test__/predict.spec.js and bench/predict (two instruments, two patterns, few rounds). */
function smallConfig(modelType: 'lightgbm' | 'xgboost' = 'lightgbm') {
  return {
    ...SMALL,
    dataset: { ...SMALL.dataset, output_dir: path.join(registry, 'dataset') },
    model: modelType === 'xgboost' ? { type: modelType, rounds: 25, learning_rate: 0.1, max_depth: 4 } : SMALL.model,
    registry: { root: registry, name: 'api-test-patterns' },
  };
}

type Columns = Record<'time' | 'open' | 'high' | 'low' | 'close' | 'volume', number[]>;
let ibm: CandleColumns;
let firstVersion: string;
let datasetId: number;

/** Candles [start, end) of the IBM sample (an instrument the model never saw) as JSON columns. */
function slice(start: number, end: number): Columns {
  const out = {} as Columns;
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const)
    out[k] = Array.from(ibm[k].subarray(start, end));
  return out;
}
const predict = (body: unknown, headers: Record<string, string> = {}) =>
  call(predictRoute.POST, 'POST', '/api/predict', { body, headers });
const modelInfo = (model?: string) =>
  call(infoRoute.GET, 'GET', `/api/model/info${model ? `?model=${encodeURIComponent(model)}` : ''}`);
function withModelsDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  process.env.CANDLE_MODELS_DIR = dir;
  return fn().finally(() => {
    process.env.CANDLE_MODELS_DIR = registry;
  });
}
function tempDir(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

beforeAll(async () => {
  process.env.CANDLE_MODELS_DIR = registry;
  firstVersion = (await train({ config: smallConfig(), rootDir: REPO_ROOT })).version;
  ibm = (await importCsvFile(path.join(SAMPLES_DIR, 'ibm_daily.csv'), { onInvalidRow: 'skip' })).series[0].candles;
  datasetId = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', {
      raw: sampleBytes('msft_daily.csv'),
    })
  ).body.datasets[0].id;
}, 120_000);

afterAll(() => {
  env.cleanup();
  for (const dir of [registry, ...scratch]) fs.rmSync(dir, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

describe('POST /api/predict', () => {
  it('predicts spans in candles sent as JSON columns', async () => {
    const candles = slice(1000, 1500);
    const res = await predict({ candles, options: { perCandle: true } });
    expect(res.status).toBe(200);
    expect(res.body.model).toEqual({
      name: 'api-test-patterns',
      version: firstVersion,
      type: 'lightgbm',
      trainedAt: expect.any(String),
    });
    expect(res.body.candleCount).toBe(500);
    expect(res.body.spans.length).toBeGreaterThan(5);
    for (const s of res.body.spans) {
      expect(['engulfing', 'doji']).toContain(s.label);
      expect(s.start).toBeLessThanOrEqual(s.end);
      expect(s.end).toBeLessThan(500);
      expect(s.startTime).toBe(candles.time[s.start]);
      expect(s.endTime).toBe(candles.time[s.end]);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    expect(res.body.perCandle.probabilities).toHaveLength(500);
  });

  it('filters by minConfidence and labels', async () => {
    const res = await predict({ candles: slice(2000, 2600), options: { minConfidence: 0.6, labels: ['doji'] } });
    expect(res.status).toBe(200);
    expect(
      res.body.spans.every((s: { label: string; confidence: number }) => s.label === 'doji' && s.confidence >= 0.6),
    ).toBe(true);
  });

  it('predicts on a stored dataset within a time range', async () => {
    const all = (
      await call(candlesRoute.GET, 'GET', `/api/datasets/${datasetId}/candles?maxPoints=200000`, {
        params: { id: String(datasetId) },
      })
    ).body;
    const times: number[] = all.candles.time;
    const from = times[300];
    const to = times[899];
    const res = await predict({ datasetId, from, to });
    expect(res.status).toBe(200);
    expect(res.body.datasetId).toBe(datasetId);
    expect(res.body.candleCount).toBe(600);
    expect(res.body.spans.length).toBeGreaterThan(0);
    for (const s of res.body.spans) {
      expect(s.startTime).toBe(times[300 + s.start]);
      expect(s.endTime).toBe(times[300 + s.end]);
      expect(s.startTime).toBeGreaterThanOrEqual(from);
      expect(s.endTime).toBeLessThanOrEqual(to);
    }
    const unknown = await predict({ datasetId: 999_999 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const unknownRange = await predict({ datasetId: 999_999, from, to });
    expect([unknownRange.status, unknownRange.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('a range is scored with the feature warm-up and context around it: the same output as over the whole dataset', async () => {
    const whole = await predict({ datasetId, options: { perCandle: true } });
    expect(whole.status).toBe(200);
    const times: number[] = (
      await call(candlesRoute.GET, 'GET', `/api/datasets/${datasetId}/candles?maxPoints=200000`, {
        params: { id: String(datasetId) },
      })
    ).body.candles.time;
    const first = 400;
    const last = 999;
    const res = await predict({
      datasetId,
      from: times[first],
      to: times[last],
      options: { perCandle: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      candleCount: last - first + 1,
      firstIndex: first,
      candleTimes: times.slice(first, last + 1),
    });
    expect(res.body.warmupCandles).toBeGreaterThan((await modelInfo()).body.minCandles);
    // Every candle of the range, the first ones included, scored as over the whole dataset.
    const expected: Array<number | null> = whole.body.perCandle.entropy.slice(first, last + 1);
    expect(res.body.perCandle.entropy).toHaveLength(expected.length);
    expect(res.body.perCandle.entropy[0]).not.toBeNull();
    res.body.perCandle.entropy.forEach((e: number | null, i: number) =>
      e === null ? expect(expected[i]).toBeNull() : expect(e).toBeCloseTo(expected[i]!, 9),
    );
    const inside = whole.body.spans
      .filter((s: { startTime: number; endTime: number }) => s.startTime >= times[first] && s.endTime <= times[last])
      .map((s: { start: number; end: number }) => ({ ...s, start: s.start - first, end: s.end - first }));
    expect(inside.length).toBeGreaterThan(0);
    for (const s of inside) expect(res.body.spans).toContainEqual(s);
  });

  it('rejects a NaN (null) candle value: 400 INVALID_CANDLES', async () => {
    const candles = slice(0, 300);
    (candles.close as Array<number | null>)[100] = null;
    const res = await predict({ candles });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CANDLES');
  });

  it('rejects columns of different lengths: 400', async () => {
    const candles = slice(0, 300);
    candles.open.pop();
    const res = await predict({ candles });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CANDLES');
    expect(res.body.error.message).toMatch(/length/);
  });

  it('too few candles: 400 TOO_FEW_CANDLES naming how many are needed', async () => {
    const { minCandles } = (await modelInfo()).body;
    const res = await predict({ candles: slice(0, 30) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('TOO_FEW_CANDLES');
    expect(res.body.error.message).toContain(`at least ${minCandles}`);
  });

  it('validates the body: 400 VALIDATION_FAILED / INVALID_JSON / INVALID_ARGUMENT', async () => {
    const bad = [
      {},
      { candles: slice(0, 300), options: { registry: '/etc' } },
      { candles: { time: [1] } },
      { datasetId: 'x' },
      { candles: slice(0, 300), options: { minConfidence: 2 } },
    ];
    for (const body of bad) {
      const res = await predict(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await predict({ candles: { time: [1] } })).body.error.message).toContain('candles.open');
    expect((await predict({ datasetId: 'x' })).body.error.message).toContain('datasetId');
    const notJson = await call(predictRoute.POST, 'POST', '/api/predict', {
      raw: '{"candles":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_JSON');
    const unknownLabel = await predict({ candles: slice(0, 300), options: { labels: ['bull flag'] } });
    expect(unknownLabel.status).toBe(400);
    expect(unknownLabel.body.error.code).toBe('INVALID_ARGUMENT');
  });

  it('unknown model: 404 MODEL_NOT_FOUND', async () => {
    const res = await predict({ candles: slice(0, 300), options: { model: 'v0999' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('MODEL_NOT_FOUND');
    const info = await modelInfo('v0999');
    expect(info.status).toBe(404);
    expect(info.body.error.code).toBe('MODEL_NOT_FOUND');
    expect(info.text).not.toContain(registry);
  });

  it('empty registry: 409 NO_MODEL', async () => {
    const empty = tempDir('candle-api-empty-');
    await withModelsDir(empty, async () => {
      const res = await predict({ candles: slice(0, 300) });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({
        code: 'NO_MODEL',
        message: expect.stringMatching(/no model has been trained/i),
      });
      expect((await modelInfo()).status).toBe(409);
      const list = await call(modelsRoute.GET, 'GET', '/api/models');
      expect(list.status).toBe(200);
      expect(list.body.models).toEqual([]);
    });
  });

  it('corrupt model file: 500 CORRUPT_MODEL without a stack trace', async () => {
    // Versions are immutable and a loaded one is served from memory: corrupt a copy of the registry.
    const copy = tempDir('candle-api-corrupt-');
    fs.cpSync(registry, copy, { recursive: true });
    const dir = path.join(copy, 'versions', firstVersion);
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, card.modelFile), 'tree\nversion=v4\nnot a model at all');
    await withModelsDir(copy, async () => {
      const res = await predict({ candles: slice(1500, 2000) });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('CORRUPT_MODEL');
      expect(res.text).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
      expect(res.text).not.toContain(copy);
      expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
    });
  });

  it('a body over the limit: 413, by Content-Length and while streaming', async () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x20);
    const declared = await call(predictRoute.POST, 'POST', '/api/predict', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // No Content-Length: 1 MB chunks; the reader must stop after ~5 MB, not pull all 10.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 10) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
      },
    });
    const streamed = await call(predictRoute.POST, 'POST', '/api/predict', {
      raw: stream,
      headers: { 'content-type': 'application/json' },
    });
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(pulled).toBeLessThan(10);
  });

  it('after all of those errors, a normal prediction still succeeds', async () => {
    const res = await predict({ candles: slice(1500, 2000) });
    expect(res.status).toBe(200);
    expect(res.body.model.version).toBe(firstVersion);
    expect(res.body.spans.length).toBeGreaterThan(0);
  });
});

describe('POST /api/predict, binary Float64 columns (application/octet-stream)', () => {
  const binary = (bytes: Uint8Array, query = '', contentType = 'application/octet-stream') =>
    call(predictRoute.POST, 'POST', `/api/predict${query}`, { raw: bytes, headers: { 'content-type': contentType } });

  it('answers exactly what the JSON form answers, options from the query string', async () => {
    const candles = slice(1000, 1500);
    for (const [query, options] of [
      ['', undefined],
      [`?model=${firstVersion}&perCandle=true`, { model: firstVersion, perCandle: true }],
      [
        '?minConfidence=0.6&labels=doji&labels=engulfing&minLength=2',
        { minConfidence: 0.6, labels: ['doji', 'engulfing'], minLength: 2 },
      ],
    ] as const) {
      const viaJson = await predict({ candles, options });
      const viaBinary = await binary(encodeBinaryColumns(candles), query);
      expect(viaBinary.status).toBe(200);
      expect(viaBinary.body).toEqual(viaJson.body);
    }
    const one = await binary(encodeBinaryColumns(candles), '', 'Application/Octet-Stream; charset=binary');
    expect(one.status).toBe(200);
    expect(one.body.spans.length).toBeGreaterThan(0);
  });

  it('the guard lets the binary type through and refuses a type a cross-site form could send (415)', async () => {
    const bytes = encodeBinaryColumns(slice(1000, 1500));
    expect((await binary(bytes)).status).toBe(200);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await binary(bytes, '', type);
      expect(res.status, type).toBe(415);
      expect(res.body.error.code, type).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('reads a body that is not 8-byte aligned in memory', async () => {
    const bytes = encodeBinaryColumns(slice(1000, 1500));
    const shifted = new Uint8Array(bytes.byteLength + 3).subarray(3);
    shifted.set(bytes);
    const res = await binary(shifted);
    expect(res.status).toBe(200);
    expect(res.body).toEqual((await binary(bytes)).body);
  });

  it('a NaN candle value is INVALID_CANDLES naming the candle, as in the JSON form', async () => {
    const candles = slice(0, 300);
    candles.close[100] = Number.NaN;
    const res = await binary(encodeBinaryColumns(candles));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_CANDLES');
  });

  it('a body that is not whole candles, or empty: 400 INVALID_BODY saying the layout', async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array(47), encodeBinaryColumns(slice(0, 300)).subarray(8)]) {
      const res = await binary(bytes);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_BODY');
      expect(res.body.error.message).toMatch(/48 × n bytes/);
    }
  });

  it('bad query options: 400 VALIDATION_FAILED; an unknown model 404; too few candles 400', async () => {
    const bytes = encodeBinaryColumns(slice(0, 300));
    for (const query of [
      '?minConfidence=2',
      '?minConfidence=',
      '?perCandle=yes',
      '?minLength=0',
      '?registry=/etc',
      '?model=a&model=b',
    ]) {
      const res = await binary(bytes, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_FAILED');
    }
    expect((await binary(bytes, '?model=v0999')).body.error.code).toBe('MODEL_NOT_FOUND');
    expect((await binary(bytes, '?labels=bull%20flag')).body.error.code).toBe('INVALID_ARGUMENT');
    expect((await binary(encodeBinaryColumns(slice(0, 30)))).body.error.code).toBe('TOO_FEW_CANDLES');
  });

  it('a body over the binary limit (200,000 candles): 413 before reading it', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 12) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const res = await call(predictRoute.POST, 'POST', '/api/predict', {
      raw: stream,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(pulled).toBeLessThan(12);
  });
});

describe('POST /api/predict/batch', () => {
  it('returns one result per request, with per-item errors', async () => {
    const ok = slice(100, 600);
    const res = await call(batchRoute.POST, 'POST', '/api/predict/batch', {
      body: {
        requests: [
          { candles: ok },
          { candles: slice(0, 10) },
          { datasetId, options: { minConfidence: 0.5 } },
          { datasetId: 999_999 },
          { candles: slice(700, 1200), options: { model: 'v0999' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const results = res.body.results;
    expect(results).toHaveLength(5);
    expect(results[0]).toEqual((await predict({ candles: ok })).body);
    expect(results[1].error.code).toBe('TOO_FEW_CANDLES');
    expect(results[2].datasetId).toBe(datasetId);
    expect(results[2].spans.length).toBeGreaterThan(0);
    expect(results[2].spans.every((s: { confidence: number }) => s.confidence >= 0.5)).toBe(true);
    expect(results[3].error.code).toBe('NOT_FOUND');
    expect(results[4].error.code).toBe('MODEL_NOT_FOUND');
  });

  it('validates the batch as a whole', async () => {
    const tooMany = await call(batchRoute.POST, 'POST', '/api/predict/batch', {
      body: { requests: Array.from({ length: 65 }, () => ({ datasetId })) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('VALIDATION_FAILED');
    const empty = await call(batchRoute.POST, 'POST', '/api/predict/batch', { body: { requests: [] } });
    expect(empty.status).toBe(400);
  });
});

describe('GET /api/model/info, /api/models, /api/openapi', () => {
  it('model info: labels, features and per-class metrics per split', async () => {
    const res = await modelInfo('champion');
    expect(res.status).toBe(200);
    const info = res.body;
    expect(info.version).toBe(firstVersion);
    expect(info.aliases).toContain('champion');
    expect([...info.labels].sort()).toEqual(['doji', 'engulfing']);
    expect(info.featureNames).toContain('rsi14');
    expect(info.minCandles).toBeGreaterThan(40);
    expect(info.summary.validationMacroF1).toBeGreaterThan(0);
    for (const split of ['validation', 'test']) {
      const classes = info.metrics[split].classes as Array<{
        label: string;
        precision: number;
        recall: number;
        f1: number;
        support: number;
      }>;
      expect(classes.map((c) => c.label)).toEqual(expect.arrayContaining(['O', 'B-doji', 'B-engulfing']));
      for (const c of classes)
        for (const k of ['precision', 'recall', 'f1', 'support'] as const) expect(typeof c[k]).toBe('number');
    }
    expect(info.plots.length).toBeGreaterThan(0);
    expect(info.plots.every((p: string) => !p.includes('/'))).toBe(true);
    expect((await modelInfo()).body.version).toBe(firstVersion);
  });

  it('serves the OpenAPI 3.1 document naming every route', async () => {
    const res = await call(openapiRoute.GET as never, 'GET', '/api/openapi');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/predict', '/api/predict/batch', '/api/model/info', '/api/models', '/api/openapi']),
    );
  });

  it('promoting another version changes what /api/predict serves, with no restart', async () => {
    const body = { candles: slice(1500, 2000) };
    const second = await train({ config: smallConfig('xgboost'), rootDir: REPO_ROOT });
    expect(second.version).not.toBe(firstVersion);
    await promote(second.version, registry);
    const now = await predict(body);
    expect(now.status).toBe(200);
    expect(now.body.model).toMatchObject({ version: second.version, type: 'xgboost' });
    expect((await modelInfo()).body.version).toBe(second.version);
    const listed = await call(modelsRoute.GET, 'GET', '/api/models');
    expect(listed.body.models.map((m: { version: string }) => m.version)).toEqual([firstVersion, second.version]);
    expect(listed.body.models[1].aliases).toContain('champion');
    // An explicit version still serves the first one.
    expect((await predict({ ...body, options: { model: firstVersion } })).body.model.version).toBe(firstVersion);
    await promote(firstVersion, registry);
    expect((await predict(body)).body.model.version).toBe(firstVersion);
  }, 120_000);
});

describe('a damaged champion (the registry holds v1 and v2, champion v2)', () => {
  let body: { candles: Columns };
  beforeAll(() => {
    body = { candles: slice(1500, 2000) };
  });
  const health = () => call(lsHealthRoute.GET, 'GET', '/api/ls/health');
  let versions: string[];
  /** A copy of the registry with champion = the newest version. */
  async function registryCopy(): Promise<{ dir: string; newest: string; older: string }> {
    const dir = tempDir('candle-api-fallback-');
    fs.cpSync(registry, dir, { recursive: true });
    versions = fs.readdirSync(path.join(dir, 'versions')).sort();
    const [older, newest] = versions.slice(-2);
    await promote(newest, dir);
    return { dir, newest, older };
  }
  const modelFile = (dir: string, version: string) => {
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'versions', version, 'model.json'), 'utf8'));
    return path.join(dir, 'versions', version, card.modelFile);
  };

  it('predictions, model info and /api/ls/health fall back to the newest intact version and say so', async () => {
    const { dir, newest, older } = await registryCopy();
    await withModelsDir(dir, async () => {
      // Served and loaded intact first: damage made while loaded is noticed on the next call.
      expect((await predict(body)).body.model.version).toBe(newest);
      expect((await health()).body).toMatchObject({ status: 'UP', model_version: newest });
      const file = modelFile(dir, newest);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 200));

      const res = await predict(body);
      expect(res.status).toBe(200);
      expect(res.body.spans.length).toBeGreaterThan(0);
      expect(res.body.model.version).toBe(older);
      expect(res.body.fallback).toEqual({
        requested: 'champion',
        unavailableVersion: newest,
        code: 'CORRUPT_MODEL',
        reason: expect.stringContaining('SHA-256'),
        servedVersion: older,
      });
      expect(res.text).not.toContain(dir);

      const batch = await call(batchRoute.POST, 'POST', '/api/predict/batch', { body: { requests: [body, body] } });
      expect(
        batch.body.results.map((r: { fallback?: { servedVersion: string } }) => r.fallback?.servedVersion),
      ).toEqual([older, older]);
      const info = await modelInfo();
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ version: older, fallback: { unavailableVersion: newest } });
      const h = await health();
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ status: 'DEGRADED', model_version: older, fallback: { servedVersion: older } });

      // Named explicitly, the damaged version is an error, not a substitute.
      const named = await predict({ ...body, options: { model: newest } });
      expect(named.status).toBe(500);
      expect(named.body.error.code).toBe('CORRUPT_MODEL');
    });
  });

  it('a garbage aliases.json hides no version: the newest intact one serves, names still work', async () => {
    const { dir, newest, older } = await registryCopy();
    fs.writeFileSync(path.join(dir, 'aliases.json'), '{"champion": ');
    await withModelsDir(dir, async () => {
      const res = await predict(body);
      expect(res.status).toBe(200);
      expect(res.body.model.version).toBe(newest);
      expect(res.body.fallback).toMatchObject({ unavailableVersion: null, code: 'CORRUPT_MODEL' });
      expect((await predict({ ...body, options: { model: older } })).body.model.version).toBe(older);
      const listed = await call(modelsRoute.GET, 'GET', '/api/models');
      expect(listed.body.models.map((m: { version: string }) => m.version)).toEqual(versions);
    });
  });

  it('nothing intact: /api/ls/health is DOWN (503), predictions 500 CORRUPT_MODEL', async () => {
    const { dir } = await registryCopy();
    for (const v of versions) fs.writeFileSync(modelFile(dir, v), 'damaged');
    await withModelsDir(dir, async () => {
      const h = await health();
      expect(h.status).toBe(503);
      expect(h.body).toMatchObject({ status: 'DOWN', model_version: null, error: { code: 'CORRUPT_MODEL' } });
      expect((await predict(body)).body.error.code).toBe('CORRUPT_MODEL');
    });
  });
});
