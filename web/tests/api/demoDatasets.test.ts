import { afterAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as datasetRoute from '@/app/api/datasets/[id]/route';
import { call, useTempDatabase } from '../support/routeHarness';

const env = useTempDatabase({ demo: true });
afterAll(() => env.cleanup());

const names = (body: { datasets: Array<{ name: string }> }) => body.datasets.map((d) => d.name);
const resetSeedMemo = () => {
  (globalThis as { __candleDemoSeed?: unknown }).__candleDemoSeed = undefined;
};

describe('demo datasets', () => {
  it('are seeded from data/samples on the first start, once, even with concurrent first requests', async () => {
    const [a, b] = await Promise.all([call(datasetsRoute.GET, 'GET', '/api/datasets'), call(datasetsRoute.GET, 'GET', '/api/datasets')]);
    expect(a.status).toBe(200);
    expect(names(a.body)).toEqual(['AAPL daily (demo)', 'GOOG daily (demo)', 'IBM daily (demo)', 'MSFT daily (demo)', 'S&P 500 daily (demo)']);
    expect(names(b.body)).toEqual(names(a.body));
    const spx = a.body.datasets.find((d: { name: string }) => d.name.startsWith('S&P'));
    expect(spx).toMatchObject({ symbol: 'SPX', timeframe: '1d', isDemo: true });
    expect(spx.candleCount + (spx.importReport.rejectedCount ?? 0)).toBe(5031);
  });

  it('are not seeded again after a restart, and deleted ones stay deleted', async () => {
    const list = await call(datasetsRoute.GET, 'GET', '/api/datasets');
    const ibm = list.body.datasets.find((d: { name: string }) => d.name.startsWith('IBM'));
    expect((await call(datasetRoute.DELETE, 'DELETE', `/api/datasets/${ibm.id}`, { params: { id: String(ibm.id) } })).status).toBe(200);
    env.reopen();
    resetSeedMemo();
    const after = await call(datasetsRoute.GET, 'GET', '/api/datasets');
    expect(names(after.body)).toEqual(['AAPL daily (demo)', 'GOOG daily (demo)', 'MSFT daily (demo)', 'S&P 500 daily (demo)']);
  });
});
