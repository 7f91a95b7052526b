import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as labelRoute from '@/app/api/labels/[id]/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import { AnnotationStore, type Notice } from '@/features/annotations/lib/annotationStore';
import { call, createTempDatabase } from '../support/routeHarness';
import { annotationRouteFetcher } from '../support/routeFetcher';

/**
 * The client store (what each browser tab runs) against the real route handlers and a real
 * SQLite file: autosave, undo/redo, and two tabs editing the same span.
 */
const env = createTempDatabase();
afterAll(() => env.cleanup());

const day = (i: number) => Date.UTC(2024, 0, 1 + i);
const csv = [
  'time,open,high,low,close,volume',
  ...Array.from({ length: 40 }, (_, i) => `${new Date(day(i)).toISOString().slice(0, 10)},10,11,9,10.5,100`),
].join('\n');
let datasetId: number;
let labels: Record<string, number>;

beforeAll(async () => {
  datasetId = (await call(datasetsRoute.POST, 'POST', '/api/datasets?name=d', { raw: csv })).body.datasets[0].id;
  labels = Object.fromEntries(
    ((await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>).map(
      (l) => [l.name, l.id],
    ),
  );
});

function tab(name: string, fetcherOptions: Parameters<typeof annotationRouteFetcher>[0] = {}) {
  const notices: Notice[] = [];
  const store = new AnnotationStore({
    fetcher: annotationRouteFetcher({ as: name, ...fetcherOptions }),
    annotator: () => name,
    notify: (n) => notices.push(n),
    retryDelaysMs: [5],
  });
  return { store, notices };
}
const serverSpans = async () =>
  (await call(annotationsRoute.GET, 'GET', `/api/annotations?datasetId=${datasetId}`)).body.annotations as Array<{
    id: string;
    labelId: number;
    start: number;
    end: number;
    version: number;
    note: string | null;
    annotator: string;
  }>;

describe('AnnotationStore (a tab) against the API', () => {
  it('autosaves: Saving… then Saved, and the server has the span', async () => {
    const { store } = tab('ivy');
    await store.load(datasetId);
    const statuses: string[] = [];
    store.subscribe(() => statuses.push(store.getSnapshot().status));
    const id = store.create({ labelId: labels.doji, start: day(3), end: day(5) });
    expect(store.getSnapshot().byId.get(id)).toMatchObject({ start: day(3), version: 0 }); // shown at once
    expect(store.getSnapshot().status).toBe('saving');
    await store.flush();
    expect(store.getSnapshot().status).toBe('saved');
    expect(statuses).toContain('saving');
    const [saved] = await serverSpans();
    expect(saved).toMatchObject({ id, start: day(3), end: day(5), annotator: 'ivy', version: 1 });
    expect(store.getSnapshot().byId.get(id)?.version).toBe(1);
  });

  it('queued edits to a span still being created go through in order', async () => {
    const { store } = tab('ivy');
    await store.load(datasetId);
    const id = store.create({ labelId: labels.hammer, start: day(10), end: day(11) });
    store.update(id, { end: day(14) }, 'Resize span');
    store.update(id, { note: 'clean' }, 'Edit note');
    await store.flush();
    const span = (await serverSpans()).find((s) => s.id === id)!;
    expect(span).toMatchObject({ end: day(14), note: 'clean', version: 3 });
  });

  it('undo and redo replay the server states, across create, edit and delete', async () => {
    const { store } = tab('jon');
    await store.load(datasetId);
    const id = store.create({ labelId: labels.engulfing, start: day(20), end: day(21) });
    store.update(id, { labelId: labels.doji }, 'Relabel');
    store.remove(id);
    await store.flush();
    expect((await serverSpans()).some((s) => s.id === id)).toBe(false);
    store.undo(); // undelete
    await store.flush();
    expect((await serverSpans()).find((s) => s.id === id)?.labelId).toBe(labels.doji);
    store.undo(); // relabel back
    await store.flush();
    expect((await serverSpans()).find((s) => s.id === id)?.labelId).toBe(labels.engulfing);
    store.undo(); // un-create
    await store.flush();
    expect((await serverSpans()).some((s) => s.id === id)).toBe(false);
    expect(store.getSnapshot().byId.has(id)).toBe(false);
    store.redo();
    store.redo();
    await store.flush();
    expect((await serverSpans()).find((s) => s.id === id)?.labelId).toBe(labels.doji);
    expect(store.getSnapshot().byId.get(id)?.labelId).toBe(labels.doji);
    expect(store.getSnapshot().canRedo).toBe(true);
    // A new edit clears the redo stack.
    store.update(id, { note: 'x' });
    expect(store.getSnapshot().canRedo).toBe(false);
    await store.flush();
  });

  it('two tabs editing the same span: the second gets STALE_WRITE, reloads the span, tells the user; no edit is lost silently', async () => {
    const a = tab('kim');
    const b = tab('lee');
    await a.store.load(datasetId);
    const id = a.store.create({ labelId: labels.doji, start: day(30), end: day(31) });
    await a.store.flush();
    await b.store.load(datasetId); // both tabs now show version 1

    a.store.update(id, { labelId: labels.hammer }, 'Relabel as hammer');
    await a.store.flush();
    b.store.update(id, { note: 'from tab b' }, 'Edit note');
    b.store.update(id, { end: day(33) }, 'Resize span'); // queued behind the stale one: dropped
    await b.store.flush();

    const server = (await serverSpans()).find((s) => s.id === id)!;
    expect(server).toMatchObject({ labelId: labels.hammer, note: null, end: day(31), version: 2 });
    // Tab B now shows the server's span and says so.
    expect(b.store.getSnapshot().byId.get(id)).toMatchObject({ labelId: labels.hammer, note: null, version: 2 });
    expect(b.store.getSnapshot().status).toBe('error');
    expect(b.notices).toHaveLength(1);
    expect(b.notices[0].kind).toBe('warning');
    expect(b.notices[0].message).toMatch(/Edit note: not saved.*changed elsewhere/);

    // After the reload tab B can edit again.
    b.store.update(id, { note: 'second try' });
    await b.store.flush();
    expect(b.store.getSnapshot().status).toBe('saved');
    expect((await serverSpans()).find((s) => s.id === id)).toMatchObject({
      note: 'second try',
      labelId: labels.hammer,
      version: 3,
    });

    // Tab A's undo would overwrite B's newer edit: refused, span reloaded, user told.
    a.store.undo();
    await a.store.flush();
    expect((await serverSpans()).find((s) => s.id === id)).toMatchObject({
      labelId: labels.hammer,
      note: 'second try',
    });
    expect(a.notices.some((n) => /Cannot undo/.test(n.message))).toBe(true);
  });

  it('a span deleted for good elsewhere (its label deleted with its spans) disappears here with a notice', async () => {
    const a = tab('nia');
    const b = tab('oli');
    const created = await call(labelsRoute.POST, 'POST', '/api/labels', {
      body: { name: 'temporary', color: '#123456' },
    });
    const temporary = created.body.label.id as number;
    await a.store.load(datasetId);
    const id = a.store.create({ labelId: temporary, start: day(37), end: day(38) });
    await a.store.flush();
    await b.store.load(datasetId);
    await call(labelRoute.DELETE, 'DELETE', `/api/labels/${temporary}?spans=delete`, {
      params: { id: String(temporary) },
    });
    b.store.update(id, { note: 'lost?' }, 'Edit note');
    await b.store.flush();
    expect(b.store.getSnapshot().byId.has(id)).toBe(false);
    expect(b.notices).toEqual([
      { kind: 'warning', message: expect.stringMatching(/Edit note: not saved.*deleted elsewhere/) },
    ]);
  });

  it('retries while the server is unreachable, then saves', async () => {
    let failures = 0;
    const { store } = tab('max', { failNext: () => failures-- > 0 });
    await store.load(datasetId);
    failures = 2;
    const id = store.create({ labelId: labels.doji, start: day(36), end: day(36) });
    await new Promise((r) => setTimeout(r, 1));
    expect(store.getSnapshot().status).toBe('error');
    expect(store.getSnapshot().statusMessage).toMatch(/unreachable/);
    await store.flush();
    expect(store.getSnapshot().status).toBe('saved');
    expect((await serverSpans()).some((s) => s.id === id)).toBe(true);
  });
});
