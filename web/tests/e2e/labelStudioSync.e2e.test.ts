import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot } from './browser';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * The Sync tab in a real browser: Label Studio events the app could not apply are listed with
 * their reason; one is retried after its cause is fixed (the project's /setup), one dismissed.
 */

let server: RunningServer;
let browser: Browser;
let page: Page;
const db = tempDbPath('ls-sync');

const CONFIG = `<View><TimeSeriesLabels name="label" toName="ts"><Label value="doji"/></TimeSeriesLabels>
  <TimeSeries name="ts" valueType="json" value="$ts" timeColumn="time"><Channel column="open"/><Channel column="high"/><Channel column="low"/><Channel column="close"/></TimeSeries></View>`;

const post = (route: string, body: unknown) =>
  server.fetch(route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startServer(db.file);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
});

describe('Label Studio sync problems in the app', () => {
  it('lists events that could not be applied; retry applies one once its cause is fixed; dismiss hides one', async () => {
    const day = Date.UTC(2024, 0, 1);
    const ts = {
      time: Array.from({ length: 30 }, (_, i) => day + i * 86_400_000),
      open: Array(30).fill(10),
      high: Array(30).fill(11),
      low: Array(30).fill(9),
      close: Array(30).fill(10.5),
    };
    // A task whose series key the app cannot find without the project's config: it needs /setup.
    const event = (annotationId: number, data: Record<string, unknown>) => ({
      action: 'ANNOTATION_CREATED',
      project: { id: 4, created_at: '2026-01-01T00:00:00Z' },
      task: { id: annotationId, data },
      annotation: {
        id: annotationId,
        completed_by: 1,
        result: [
          {
            id: 'r',
            type: 'timeserieslabels',
            from_name: 'label',
            to_name: 'ts',
            value: { start: ts.time[3], end: ts.time[5], timeserieslabels: ['doji'] },
          },
        ],
      },
    });
    const first = await post('/api/ls/webhook', event(41, { series: ts }));
    const second = await post('/api/ls/webhook', event(42, { nothing: true }));
    expect([first.status, second.status]).toEqual([400, 400]);

    page = await openApp(browser, server, 'e2e-sync');
    await expect.poll(() => page.locator('[data-testid="tab-sync"]').innerText()).toMatch(/Sync\s*2/);
    await page.click('[data-testid="tab-sync"]');
    const list = page.locator('[data-testid="ls-sync-list"] li');
    await expect.poll(() => list.count()).toBe(2);
    expect(await list.first().innerText()).toMatch(
      /ANNOTATION_CREATED · project 4 · task 42[\s\S]*LS_TASK_DATA_MISSING/,
    );
    await screenshot(page, 'ls-sync-01-problems');

    // Fix the cause of the first (the project's config names `$series`), then retry it from the app.
    const setup = await post('/api/ls/setup', {
      project: `4.${Date.UTC(2026, 0, 1) / 1000}`,
      schema: CONFIG.replace('$ts', '$series'),
    });
    expect(setup.status).toBe(200);
    const firstItem = page.locator('[data-testid="ls-sync-list"] li', { hasText: 'task 41' });
    await firstItem.locator('[data-testid="ls-sync-retry"]').click();
    await expect.poll(() => list.count()).toBe(1);
    const secondItem = page.locator('[data-testid="ls-sync-list"] li', { hasText: 'task 42' });
    await secondItem.locator('[data-testid="ls-sync-dismiss"]').click();
    await page.waitForSelector('[data-testid="ls-sync-empty"]');
    await expect.poll(() => page.locator('[data-testid="tab-sync"]').innerText()).toBe('Sync');
    await screenshot(page, 'ls-sync-02-resolved');

    // The retried event stored its span in the task's dataset.
    const { datasets } = await (await server.fetch('/api/datasets')).json();
    const dataset = datasets.find((d: { name: string }) => d.name === 'Label Studio 4 task 41');
    const { annotations } = await (await server.fetch(`/api/annotations?datasetId=${dataset.id}`)).json();
    expect(annotations.map((a: { start: number; end: number }) => [a.start, a.end])).toEqual([
      [ts.time[3], ts.time[5]],
    ]);
  });
});
