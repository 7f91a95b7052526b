import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as labelsRoute from '@/app/api/labels/route';
import * as labelRoute from '@/app/api/labels/[id]/route';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import { call, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
afterAll(() => env.cleanup());

const csv = [
  'time,open,high,low,close,volume',
  ...Array.from(
    { length: 30 },
    (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},10,11,9,10.5,100`,
  ),
].join('\n');
const day = (i: number) => Date.UTC(2024, 0, 1 + i);

let datasetId: number;
beforeAll(async () => {
  const up = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=days', { raw: csv });
  datasetId = up.body.datasets[0].id;
});

type L = { id: number; name: string; hotkey: number | null; spanCount: number; color: string };
const labelList = async (): Promise<L[]> => (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels;
const span = async (labelId: number, i: number) =>
  call(annotationsRoute.POST, 'POST', '/api/annotations', {
    body: { datasetId, labelId, start: day(i), end: day(i + 1), annotator: 't' },
  });

describe('labels', () => {
  it('start with the default schema, hotkeys 1–9', async () => {
    const labels = await labelList();
    expect(labels.map((l) => [l.hotkey, l.name])).toEqual([
      [1, 'doji'],
      [2, 'hammer'],
      [3, 'engulfing'],
      [4, 'morning star'],
      [5, 'evening star'],
      [6, 'bull flag'],
      [7, 'bear flag'],
      [8, 'head and shoulders'],
      [9, 'double top'],
    ]);
    expect(labels.every((l) => /^#[0-9a-f]{6}$/.test(l.color))).toBe(true);
  });

  it('create validates input and refuses duplicates', async () => {
    const ok = await call(labelsRoute.POST, 'POST', '/api/labels', {
      body: { name: 'cup and handle', color: '#AABBCC', description: 'rounded base' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.label).toMatchObject({ name: 'cup and handle', color: '#aabbcc', hotkey: null, spanCount: 0 });

    const dup = await call(labelsRoute.POST, 'POST', '/api/labels', { body: { name: 'DOJI', color: '#000000' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('NAME_TAKEN');

    const key = await call(labelsRoute.POST, 'POST', '/api/labels', {
      body: { name: 'x', color: '#000000', hotkey: 3 },
    });
    expect(key.status).toBe(409);
    expect(key.body.error).toMatchObject({ code: 'HOTKEY_TAKEN' });
    expect(key.body.error.message).toMatch(/engulfing/);

    for (const body of [
      { name: '', color: '#000000' },
      { name: 'y', color: 'red' },
      { name: 'y', color: '#000000', hotkey: 10 },
      { name: 'y', color: '#000000', extra: 1 },
    ]) {
      const bad = await call(labelsRoute.POST, 'POST', '/api/labels', { body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('edit: rename, recolour, move a hotkey', async () => {
    const labels = await labelList();
    const cup = labels.find((l) => l.name === 'cup and handle')!;
    const doubleTop = labels.find((l) => l.name === 'double top')!;
    expect(
      (
        await call(labelRoute.PATCH, 'PATCH', `/api/labels/${doubleTop.id}`, {
          params: { id: String(doubleTop.id) },
          body: { hotkey: null },
        })
      ).status,
    ).toBe(200);
    const moved = await call(labelRoute.PATCH, 'PATCH', `/api/labels/${cup.id}`, {
      params: { id: String(cup.id) },
      body: { hotkey: 9, color: '#112233', name: 'Cup & handle' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.label).toMatchObject({ hotkey: 9, color: '#112233', name: 'Cup & handle' });
  });

  it('deleting a label in use asks what to do with its spans', async () => {
    const labels = await labelList();
    const hammer = labels.find((l) => l.name === 'hammer')!;
    const doji = labels.find((l) => l.name === 'doji')!;
    expect((await span(hammer.id, 0)).status).toBe(201);
    expect((await span(hammer.id, 5)).status).toBe(201);

    const refused = await call(labelRoute.DELETE, 'DELETE', `/api/labels/${hammer.id}`, {
      params: { id: String(hammer.id) },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'LABEL_IN_USE', details: { spanCount: 2 } });

    const noTarget = await call(labelRoute.DELETE, 'DELETE', `/api/labels/${hammer.id}?spans=reassign`, {
      params: { id: String(hammer.id) },
    });
    expect(noTarget.status).toBe(400);

    const reassigned = await call(
      labelRoute.DELETE,
      'DELETE',
      `/api/labels/${hammer.id}?spans=reassign&reassignTo=${doji.id}`,
      { params: { id: String(hammer.id) } },
    );
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ reassignedSpans: 2, deletedSpans: 0 });
    const spans = (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations;
    expect(spans.map((s: { labelId: number }) => s.labelId)).toEqual([doji.id, doji.id]);
    expect(spans.every((s: { version: number }) => s.version === 2)).toBe(true);

    const deleted = await call(labelRoute.DELETE, 'DELETE', `/api/labels/${doji.id}?spans=delete`, {
      params: { id: String(doji.id) },
    });
    expect(deleted.body).toMatchObject({ deletedSpans: 2 });
    expect(
      (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations,
    ).toEqual([]);
    expect((await labelList()).some((l) => l.name === 'doji' || l.name === 'hammer')).toBe(false);
    expect(
      (await call(labelRoute.GET, 'GET', `/api/labels/${doji.id}`, { params: { id: String(doji.id) } })).status,
    ).toBe(404);
  });
});
