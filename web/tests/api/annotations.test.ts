import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as annotationRoute from '@/app/api/annotations/[id]/route';
import * as bulkRoute from '@/app/api/annotations/bulk/route';
import * as projectRoute from '@/app/api/project/route';
import { call, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
afterAll(() => env.cleanup());

// Weekdays only: 2024-01-01 (Mon) … with weekends missing, so snapping and splitting cross gaps.
const days: number[] = [];
for (let d = Date.UTC(2024, 0, 1); days.length < 60; d += 86_400_000) {
  const wd = new Date(d).getUTCDay();
  if (wd !== 0 && wd !== 6) days.push(d);
}
const csv = [
  'time,open,high,low,close,volume',
  ...days.map((t, i) => `${new Date(t).toISOString().slice(0, 10)},${10 + i},${11 + i},${9 + i},${10.5 + i},100`),
].join('\n');

let datasetId: number;
let labels: Record<string, number>;
beforeAll(async () => {
  const up = await call(datasetsRoute.POST, 'POST', '/api/datasets?name=weekdays', { raw: csv });
  datasetId = up.body.datasets[0].id;
  const list = (await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>;
  labels = Object.fromEntries(list.map((l) => [l.name, l.id]));
});

type A = {
  id: string;
  start: number;
  end: number;
  version: number;
  labelId: number;
  source: string;
  annotator: string;
  note: string | null;
};
// Writes record the signed-in user as annotator: `as` names that user.
const create = (body: Record<string, unknown>, as?: string) =>
  call(annotationsRoute.POST, 'POST', '/api/annotations', { body: { datasetId, ...body }, as });
const patch = (id: string, body: Record<string, unknown>, as?: string) =>
  call(annotationRoute.PATCH, 'PATCH', `/api/annotations/${id}`, { params: { id }, body, as });
const remove = (id: string, version: number) =>
  call(annotationRoute.DELETE, 'DELETE', `/api/annotations/${id}?version=${version}`, { params: { id } });
const get = (id: string) => call(annotationRoute.GET, 'GET', `/api/annotations/${id}`, { params: { id } });
const list = async (): Promise<A[]> =>
  (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations;
const setPolicy = (overlapPolicy: 'allow' | 'split') =>
  call(projectRoute.PATCH, 'PATCH', '/api/project', { body: { overlapPolicy } });
const clear = () => env.db().prepare('DELETE FROM annotations').run();

describe('annotation CRUD', () => {
  it('creates a span snapped to candles, with source, annotator and times', async () => {
    const sat = Date.UTC(2024, 0, 6);
    const res = await create(
      { labelId: labels.doji, start: sat, end: days[9] + 3600_000, note: 'weekend start' },
      'alice',
    );
    expect(res.status).toBe(201);
    const a = res.body.annotation;
    expect(a).toMatchObject({
      start: days[5],
      end: days[9],
      source: 'human',
      annotator: 'alice',
      kind: 'positive',
      version: 1,
      note: 'weekend start',
      direction: null,
    });
    expect(a.createdAt).toBe(a.updatedAt);
    expect(res.body.changes).toEqual([{ id: a.id, before: null, after: a, version: 1 }]);
    expect((await get(a.id)).body.annotation).toEqual(a);
  });

  it('updates with the current version and bumps it', async () => {
    const [a] = await list();
    const res = await patch(a.id, { version: 1, labelId: labels.hammer, end: days[10], note: null });
    expect(res.status).toBe(200);
    expect(res.body.annotation).toMatchObject({ labelId: labels.hammer, end: days[10], version: 2, note: null });
    expect(res.body.changes[0].before.version).toBe(1);
  });

  it('rejects a stale version with 409 STALE_WRITE and the current span; nothing changes', async () => {
    const [a] = await list();
    const stale = await patch(a.id, { version: 1, labelId: labels.doji });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('STALE_WRITE');
    expect(stale.body.error.message).toMatch(/changed elsewhere.*version 2.*version 1/);
    expect(stale.body.error.details).toMatchObject({
      id: a.id,
      currentVersion: 2,
      current: { labelId: labels.hammer, version: 2 },
    });
    expect((await get(a.id)).body.annotation.labelId).toBe(labels.hammer);
    const staleDelete = await remove(a.id, 1);
    expect(staleDelete.status).toBe(409);
    expect((await list()).length).toBe(1);
  });

  it('deletes with the current version; a later edit of the deleted span is stale', async () => {
    const [a] = await list();
    const res = await remove(a.id, 2);
    expect(res.status).toBe(200);
    expect(res.body.changes).toEqual([
      { id: a.id, before: expect.objectContaining({ version: 2 }), after: null, version: 3 },
    ]);
    expect(await list()).toEqual([]);
    expect((await get(a.id)).status).toBe(404);
    const late = await patch(a.id, { version: 2, note: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/deleted/);
  });

  it('validates input', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ labelId: labels.doji, start: days[3], end: days[1] }, 400, 'VALIDATION_FAILED'],
      [{ labelId: labels.doji, start: 'monday', end: days[1] }, 400, 'VALIDATION_FAILED'],
      [{ labelId: 9999, start: days[1], end: days[2] }, 404, 'NOT_FOUND'],
      [{ labelId: labels.doji, start: Date.UTC(2024, 0, 6), end: Date.UTC(2024, 0, 7) }, 400, 'EMPTY_SPAN'],
      [{ labelId: labels.doji, start: days[1], end: days[2], source: 'robot' }, 400, 'VALIDATION_FAILED'],
      [{ labelId: labels.doji, start: days[1], end: days[2], id: 'not-a-uuid' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    const wrongDataset = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId: 999, labelId: labels.doji, start: days[1], end: days[2] },
    });
    expect(wrongDataset.status).toBe(404);
    expect((await patch('00000000-0000-4000-8000-000000000000', { version: 1, note: 'x' })).status).toBe(404);
    expect(
      (
        await call(annotationRoute.DELETE, 'DELETE', '/api/annotations/00000000-0000-4000-8000-000000000000', {
          params: { id: '00000000-0000-4000-8000-000000000000' },
        })
      ).status,
    ).toBe(400);
  });

  it('a client-chosen id is kept; reusing it is a 409', async () => {
    const id = '6f1c1f7e-2a8e-4f3a-9a4e-0d7a6c1b2e3f';
    expect((await create({ id, labelId: labels.doji, start: days[1], end: days[1] })).body.annotation.id).toBe(id);
    const again = await create({ id, labelId: labels.doji, start: days[2], end: days[2] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ID_TAKEN');
    clear();
  });

  it('a person editing a TA-Lib span makes it theirs (source human)', async () => {
    const talib = (
      await create(
        {
          labelId: labels.engulfing,
          start: days[20],
          end: days[21],
          source: 'talib',
          direction: 'bullish',
        },
        'bot',
      )
    ).body.annotation;
    const noteOnly = await patch(talib.id, { version: 1, note: 'looks right' }, 'carol');
    expect(noteOnly.body.annotation).toMatchObject({ source: 'talib', annotator: 'bot' });
    const resized = await patch(talib.id, { version: 2, start: days[19] }, 'carol');
    expect(resized.body.annotation).toMatchObject({
      source: 'human',
      annotator: 'carol',
      start: days[19],
      direction: 'bullish',
    });
    clear();
  });
});

describe('overlap policy', () => {
  it('allow keeps overlapping spans', async () => {
    await setPolicy('allow');
    await create({ labelId: labels.doji, start: days[10], end: days[20] });
    await create({ labelId: labels.hammer, start: days[15], end: days[25] });
    expect((await list()).map((a) => [a.start, a.end])).toEqual([
      [days[10], days[20]],
      [days[15], days[25]],
    ]);
    clear();
  });

  it('split trims, splits or removes the older span; one undo restores all', async () => {
    expect((await setPolicy('split')).body.project.overlapPolicy).toBe('split');
    const older = (await create({ labelId: labels.doji, start: days[10], end: days[20], note: 'old' })).body.annotation;
    const inner = await create({ labelId: labels.hammer, start: days[14], end: days[16] });
    expect(inner.status).toBe(201);
    const after = await list();
    expect(after.map((a) => [a.labelId, a.start, a.end])).toEqual([
      [labels.doji, days[10], days[13]],
      [labels.hammer, days[14], days[16]],
      [labels.doji, days[17], days[20]],
    ]);
    expect(after[2].note).toBe('old');
    const changes = inner.body.changes as Array<{ id: string; before: A | null; after: A | null; version: number }>;
    expect(changes).toHaveLength(3);

    // Undo = restore every change's `before`, version-checked, in one bulk request.
    const undo = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      body: {
        operations: changes.map((c) => ({
          op: 'restore',
          id: c.id,
          version: c.version,
          state: c.before && {
            datasetId,
            labelId: c.before.labelId,
            start: c.before.start,
            end: c.before.end,
            kind: 'positive',
            source: c.before.source,
            annotator: c.before.annotator,
            direction: null,
            note: c.before.note,
          },
        })),
      },
    });
    expect(undo.status).toBe(200);
    expect((await list()).map((a) => [a.id, a.start, a.end])).toEqual([[older.id, days[10], days[20]]]);

    // Covering the older span fully removes it; TA-Lib spans are never split.
    await create({ labelId: labels.engulfing, start: days[11], end: days[12], source: 'talib' });
    await create({ labelId: labels.hammer, start: days[5], end: days[25] });
    expect((await list()).map((a) => [a.source, a.start, a.end])).toEqual([
      ['human', days[5], days[25]],
      ['talib', days[11], days[12]],
    ]);
    clear();
    await setPolicy('allow');
  });
});

describe('bulk', () => {
  it('applies all operations in one transaction, or none', async () => {
    const a = (await create({ labelId: labels.doji, start: days[1], end: days[2] })).body.annotation;
    const b = (await create({ labelId: labels.doji, start: days[4], end: days[5] })).body.annotation;
    const failing = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      body: {
        operations: [
          { op: 'update', id: a.id, version: 1, patch: { note: 'first' } },
          { op: 'create', annotation: { datasetId, labelId: labels.hammer, start: days[8], end: days[9] } },
          { op: 'delete', id: b.id, version: 7 },
        ],
      },
    });
    expect(failing.status).toBe(409);
    expect(failing.body.error.code).toBe('STALE_WRITE');
    const unchanged = await list();
    expect(unchanged.map((x) => [x.id, x.version, x.note])).toEqual([
      [a.id, 1, null],
      [b.id, 1, null],
    ]);

    const ok = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      as: 'dave',
      body: {
        operations: [
          { op: 'update', id: a.id, version: 1, patch: { note: 'first' } },
          { op: 'create', annotation: { datasetId, labelId: labels.hammer, start: days[8], end: days[9] } },
          { op: 'delete', id: b.id, version: 1 },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.results[1]).toMatchObject({ annotator: 'dave', labelId: labels.hammer });
    expect(ok.body.results[2]).toBeNull();
    expect((await list()).map((x) => x.note ?? x.labelId)).toEqual(['first', labels.hammer]);

    // restore: undelete b, and "expected absent" (version null) fails for a live row
    const restored = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      body: {
        operations: [
          {
            op: 'restore',
            id: b.id,
            version: 2,
            state: {
              datasetId,
              labelId: labels.doji,
              start: days[4],
              end: days[5],
              kind: 'positive',
              source: 'human',
              annotator: 'x',
              direction: null,
              note: null,
            },
          },
        ],
      },
    });
    expect(restored.status).toBe(200);
    expect(restored.body.results[0]).toMatchObject({ id: b.id, version: 3 });
    const wrong = await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', {
      body: { operations: [{ op: 'restore', id: b.id, version: null, state: null }] },
    });
    expect(wrong.status).toBe(409);

    expect((await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', { body: { operations: [] } })).status).toBe(
      400,
    );
    expect(
      (await call(bulkRoute.POST, 'POST', '/api/annotations/bulk', { body: { operations: [{ op: 'explode' }] } }))
        .status,
    ).toBe(400);
    clear();
  });
});

describe('errors', () => {
  it('an unexpected failure is a 500 with a coded message and no stack or SQL', async () => {
    env.db().exec('ALTER TABLE annotations RENAME TO annotations_gone');
    try {
      const res = await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: { code: 'INTERNAL', message: expect.stringMatching(/Internal server error/) },
      });
      expect(res.text).not.toMatch(/annotations|sqlite|at \w+ \(/i);
    } finally {
      env.db().exec('ALTER TABLE annotations_gone RENAME TO annotations');
    }
  });
});
