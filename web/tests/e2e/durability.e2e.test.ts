import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * Every write the API acknowledged survives `kill -9` of the server: start the built server,
 * write, kill -9 the whole process group (no shutdown code runs), restart on the same database
 * file and read everything back.
 */
const db = tempDbPath('durability');
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.crash();
  fs.rmSync(db.dir, { recursive: true, force: true });
});

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('durability', () => {
  it('acknowledged writes survive kill -9 of the server', async () => {
    server = await startServer(db.file);
    const datasets = (
      await json<{ datasets: Array<{ id: number; name: string; firstTime: number }> }>(
        await server.fetch(`/api/datasets`),
      )
    ).datasets;
    const msft = datasets.find((d) => d.name.startsWith('MSFT'))!;
    const labels = (await json<{ labels: Array<{ id: number; name: string }> }>(await server.fetch(`/api/labels`)))
      .labels;
    const candles = (
      await json<{ candles: { time: number[] } }>(
        await server.fetch(`/api/datasets/${msft.id}/candles?maxPoints=20000`),
      )
    ).candles.time;

    // 1) sequential creates, each acknowledged
    const acked = new Map<string, { start: number; end: number; version: number; note: string | null }>();
    for (let i = 0; i < 25; i++) {
      const body = {
        datasetId: msft.id,
        labelId: labels[i % labels.length].id,
        start: candles[i * 10],
        end: candles[i * 10 + 2],
        annotator: 'durable',
      };
      const { annotation } = await json<{
        annotation: { id: string; start: number; end: number; version: number; note: string | null };
      }>(
        await server.fetch(`/api/annotations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      acked.set(annotation.id, annotation);
    }
    // 2) an acknowledged update and an acknowledged delete
    const [firstId, secondId] = [...acked.keys()];
    const updated = await json<{ annotation: { version: number; note: string } }>(
      await server.fetch(`/api/annotations/${firstId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1, note: 'kept after kill -9' }),
      }),
    );
    acked.set(firstId, { ...acked.get(firstId)!, version: updated.annotation.version, note: 'kept after kill -9' });
    await json(await server.fetch(`/api/annotations/${secondId}?version=1`, { method: 'DELETE' }));
    acked.delete(secondId);
    // 3) a burst of concurrent creates; kill -9 as soon as half of them are acknowledged
    const burstAcked: string[] = [];
    let resolveHalf: () => void;
    const half = new Promise<void>((r) => (resolveHalf = r));
    const writer = server;
    const burst = Array.from({ length: 40 }, (_, i) =>
      writer
        .fetch(`/api/annotations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            datasetId: msft.id,
            labelId: labels[0].id,
            start: candles[1000 + i * 5],
            end: candles[1001 + i * 5],
          }),
        })
        .then(async (res) => {
          if (res.ok) {
            burstAcked.push(((await res.json()) as { annotation: { id: string } }).annotation.id);
            if (burstAcked.length === 20) resolveHalf();
          }
        })
        .catch(() => undefined),
    );
    await Promise.race([half, Promise.all(burst)]);
    const ackedAtKill = [...burstAcked];
    await server.crash();
    await Promise.allSettled(burst);
    expect(server.process.signalCode).toBe('SIGKILL');
    expect(ackedAtKill.length).toBeGreaterThanOrEqual(20);

    // Restart on the same file and read back.
    server = await startServer(db.file);
    const after = (
      await json<{
        annotations: Array<{ id: string; start: number; end: number; version: number; note: string | null }>;
      }>(await server.fetch(`/api/annotations?datasetId=${msft.id}`))
    ).annotations;
    const byId = new Map(after.map((a) => [a.id, a]));
    for (const [id, a] of acked)
      expect(byId.get(id), `span ${id}`).toMatchObject({
        start: a.start,
        end: a.end,
        version: a.version,
        note: a.note,
      });
    expect(byId.has(secondId)).toBe(false);
    for (const id of ackedAtKill) expect(byId.has(id), `burst span ${id}`).toBe(true);
    // The database is intact.
    const check = await server.fetch(`/api/annotations/export?format=json`);
    expect(check.status).toBe(200);
  });
});
