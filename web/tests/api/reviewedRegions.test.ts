import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as datasetRoute from '@/app/api/datasets/[id]/route';
import { call, syntheticCsv, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
let datasetId: number;
let otherDatasetId: number;

type ReviewedRoute = typeof import('@/app/api/datasets/[id]/reviewed-regions/route');
const loadRoute = (): Promise<ReviewedRoute> => import('@/app/api/datasets/[id]/reviewed-regions/route');
let reviewedRoute: ReviewedRoute;

const upload = async (name: string) =>
  (
    await call(datasetsRoute.POST, 'POST', `/api/datasets?name=${name}`, {
      raw: new TextEncoder().encode(syntheticCsv(300)),
    })
  ).body.datasets[0].id as number;

beforeAll(async () => {
  reviewedRoute = await loadRoute();
  datasetId = await upload('reviewed');
  otherDatasetId = await upload('other');
});
afterAll(() => env.cleanup());

const url = (id: number, q = '') => `/api/datasets/${id}/reviewed-regions${q}`;
const list = (id: number, modelVersion: string) =>
  call(reviewedRoute.GET, 'GET', url(id, `?modelVersion=${encodeURIComponent(modelVersion)}`), {
    params: { id: String(id) },
  });
const mark = (id: number, body: unknown) =>
  call(reviewedRoute.POST, 'POST', url(id), { body, params: { id: String(id) } });
const region = (candleIndex: number, modelVersion = 'v0001') => ({
  modelVersion,
  candleIndex,
  startTime: 1_577_836_800_000 + candleIndex * 60_000,
  endTime: 1_577_836_800_000 + (candleIndex + 2) * 60_000,
});

describe('reviewed regions', () => {
  it('records a region once (201, then 200) and lists it per dataset and model version', async () => {
    expect((await list(datasetId, 'v0001')).body).toEqual({ datasetId, modelVersion: 'v0001', reviewed: [] });
    const first = await mark(datasetId, region(12));
    expect(first.status).toBe(201);
    expect(first.body.region).toMatchObject({
      candleIndex: 12,
      startTime: region(12).startTime,
      endTime: region(12).endTime,
    });
    expect((await mark(datasetId, region(12))).status).toBe(200);
    expect((await mark(datasetId, region(40))).status).toBe(201);
    expect((await mark(datasetId, region(7, 'v0002'))).status).toBe(201);
    expect((await mark(otherDatasetId, region(3))).status).toBe(201);

    const v1 = (await list(datasetId, 'v0001')).body.reviewed as Array<{ candleIndex: number }>;
    expect(v1.map((r) => r.candleIndex)).toEqual([12, 40]);
    expect((await list(datasetId, 'v0002')).body.reviewed).toHaveLength(1);
    expect((await list(otherDatasetId, 'v0001')).body.reviewed).toHaveLength(1);
  });

  it('DELETE forgets one dataset and model version only', async () => {
    const clear = (id: number, modelVersion: string) =>
      call(reviewedRoute.DELETE, 'DELETE', url(id, `?modelVersion=${modelVersion}`), { params: { id: String(id) } });
    expect((await mark(datasetId, region(90, 'v0009'))).status).toBe(201);
    expect((await mark(datasetId, region(91, 'v0009'))).status).toBe(201);
    expect((await mark(otherDatasetId, region(90, 'v0009'))).status).toBe(201);
    expect((await clear(datasetId, 'v0009')).body).toEqual({ datasetId, modelVersion: 'v0009', deleted: 2 });
    expect((await list(datasetId, 'v0009')).body.reviewed).toEqual([]);
    expect((await list(otherDatasetId, 'v0009')).body.reviewed).toHaveLength(1);
    expect((await list(datasetId, 'v0001')).body.reviewed.length).toBeGreaterThan(0);
    expect((await clear(datasetId, 'v0009')).body.deleted).toBe(0);
    expect((await clear(9999, 'v0009')).status).toBe(404);
    expect((await clear(datasetId, 'latest')).status).toBe(400);
  });

  it('validates the path, query and body', async () => {
    expect((await list(9999, 'v0001')).status).toBe(404);
    expect((await mark(9999, region(1))).status).toBe(404);
    expect((await call(reviewedRoute.GET, 'GET', url(datasetId), { params: { id: String(datasetId) } })).status).toBe(
      400,
    );
    expect((await list(datasetId, 'champion')).body.error.code).toBe('VALIDATION_FAILED');
    expect(
      (await call(reviewedRoute.GET, 'GET', url(datasetId, '?modelVersion=v1'), { params: { id: 'abc' } })).body.error
        .code,
    ).toBe('INVALID_PATH');
    for (const bad of [
      { ...region(1), candleIndex: -1 },
      { ...region(1), candleIndex: 1.5 },
      { ...region(1), endTime: region(1).startTime - 1 },
      { ...region(1), extra: true },
      { candleIndex: 1, startTime: 0, endTime: 0 },
    ]) {
      const res = await mark(datasetId, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const past = await mark(datasetId, region(300));
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('OUT_OF_RANGE');
  });

  it('survive a server restart (connection closed, modules re-imported)', async () => {
    env.reopen();
    vi.resetModules();
    reviewedRoute = await loadRoute();
    const after = (await list(datasetId, 'v0001')).body.reviewed as Array<{ candleIndex: number; reviewedAt: number }>;
    expect(after.map((r) => r.candleIndex)).toEqual([12, 40]);
    expect(after.every((r) => r.reviewedAt > 0)).toBe(true);
  });

  it('go with their dataset', async () => {
    expect(
      (
        await call(datasetRoute.DELETE, 'DELETE', `/api/datasets/${otherDatasetId}`, {
          params: { id: String(otherDatasetId) },
        })
      ).status,
    ).toBe(200);
    const left = env
      .db()
      .prepare('SELECT COUNT(*) FROM reviewed_regions WHERE dataset_id = ?')
      .pluck()
      .get(otherDatasetId);
    expect(left).toBe(0);
  });
});
