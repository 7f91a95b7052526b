import { afterAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as datasetRoute from '@/app/api/datasets/[id]/route';
import fs from 'node:fs';
import path from 'node:path';
import { KNOWN_SAMPLES } from '@/features/datasets/server/demoDatasets';
import { call, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase({ demo: true });
afterAll(() => env.cleanup());

const names = (body: { datasets: Array<{ name: string }> }) => body.datasets.map((d) => d.name);
// Every CSV in data/samples becomes a demo dataset, named by the manifest; the list is sorted by name.
const samplesDir = path.resolve(__dirname, '../../../data/samples');
const sampleNames = fs
  .readdirSync(samplesDir)
  .filter((f) => f.endsWith('.csv'))
  .map((f) => {
    if (!KNOWN_SAMPLES[f]) throw new Error(`data/samples/${f} has no name in KNOWN_SAMPLES`);
    return KNOWN_SAMPLES[f].name;
  })
  // the API sorts with SQLite's NOCASE collation: ASCII case-folded, byte order otherwise
  .sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0));
const resetSeedMemo = () => {
  (globalThis as { __candleDemoSeed?: unknown }).__candleDemoSeed = undefined;
};

describe('demo datasets', () => {
  it('are seeded from data/samples on the first start, once, even with concurrent first requests', async () => {
    const [a, b] = await Promise.all([
      call(datasetsRoute.GET, 'GET', '/api/datasets'),
      call(datasetsRoute.GET, 'GET', '/api/datasets'),
    ]);
    expect(a.status).toBe(200);
    expect(names(a.body)).toEqual(sampleNames);
    expect(sampleNames).toContain('EUR/USD 1h (demo)');
    expect(names(b.body)).toEqual(names(a.body));
    const spx = a.body.datasets.find((d: { name: string }) => d.name.startsWith('S&P'));
    expect(spx).toMatchObject({ symbol: 'SPX', timeframe: '1d', isDemo: true });
    expect(spx.candleCount + (spx.importReport.rejectedCount ?? 0)).toBe(5031);
  });

  it('are not seeded again after a restart, and deleted ones stay deleted', async () => {
    const list = await call(datasetsRoute.GET, 'GET', '/api/datasets');
    const ibm = list.body.datasets.find((d: { name: string }) => d.name.startsWith('IBM'));
    expect(
      (await call(datasetRoute.DELETE, 'DELETE', `/api/datasets/${ibm.id}`, { params: { id: String(ibm.id) } })).status,
    ).toBe(200);
    env.reopen();
    resetSeedMemo();
    const after = await call(datasetsRoute.GET, 'GET', '/api/datasets');
    expect(names(after.body)).toEqual(sampleNames.filter((n) => !n.startsWith('IBM')));
  });
});
