import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * Server state a user expects to outlive the process: training jobs (a finished one is still
 * listed; one running at kill -9 reads as failed, not running forever) and the active-learning
 * reviewed regions. Real `next start` processes on one database file.
 */
const db = tempDbPath('restart');
const registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-e2e-restart-models-'));
const previousModelsDir = process.env.CANDLE_MODELS_DIR;
process.env.CANDLE_MODELS_DIR = registry;
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.crash();
  fs.rmSync(db.dir, { recursive: true, force: true });
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

type Job = {
  id: string;
  state: string;
  error: { code: string; message: string } | null;
  outcome: { version: string } | null;
};

async function request<T>(p: string, init?: RequestInit): Promise<T> {
  const res = await server!.fetch(p, init?.body ? { ...init, headers: { 'content-type': 'application/json' } } : init);
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('state that survives a server restart', () => {
  it('training jobs and reviewed regions outlive kill -9', async () => {
    server = await startServer(db.file);
    const datasets = (await request<{ datasets: Array<{ id: number; name: string }> }>(`/api/datasets`)).datasets;
    const datasetId = datasets.find((d) => d.name === 'AAPL daily (demo)')!.id;

    const finished = (
      await request<{ job: Job }>(`/api/training`, {
        method: 'POST',
        body: JSON.stringify({ preset: 'fast', datasetId }),
      })
    ).job;
    await expect
      .poll(async () => (await request<{ job: Job }>(`/api/training/${finished.id}`)).job.state, {
        timeout: 120_000,
        interval: 250,
      })
      .toBe('succeeded');
    const reviewed = { modelVersion: 'v0001', candleIndex: 100, startTime: 1, endTime: 2 };
    await request(`/api/datasets/${datasetId}/reviewed-regions`, {
      method: 'POST',
      body: JSON.stringify(reviewed),
    });
    const running = (
      await request<{ job: Job }>(`/api/training`, {
        method: 'POST',
        body: JSON.stringify({ preset: 'standard', datasetId }),
      })
    ).job;
    expect(running.state).toBe('running');

    await server.crash();
    server = await startServer(db.file);

    const jobs = (await request<{ jobs: Job[] }>(`/api/training`)).jobs;
    expect(jobs.find((j) => j.id === finished.id)).toMatchObject({ state: 'succeeded', outcome: { version: 'v0001' } });
    const interrupted = (await request<{ job: Job }>(`/api/training/${running.id}`)).job;
    expect(interrupted).toMatchObject({ state: 'failed', error: { code: 'SERVER_RESTARTED' } });
    expect(interrupted.error!.message).toMatch(/server restarted/i);
    // Nothing is left 'running', so a new run may start.
    expect(jobs.some((j) => j.state === 'running')).toBe(false);

    const after = (
      await request<{ reviewed: Array<{ candleIndex: number }> }>(
        `/api/datasets/${datasetId}/reviewed-regions?modelVersion=v0001`,
      )
    ).reviewed;
    expect(after.map((r) => r.candleIndex)).toEqual([100]);
  }, 240_000);
});
