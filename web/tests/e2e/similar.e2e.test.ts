import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dragAcrossChart, launchBrowser, openApp, screenshot, waitSaved } from './browser';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * "Find more like this" in a real browser against the built server: draw a span on the demo data
 * → Find similar → results from every demo dataset with thumbnails → accept two → undo one →
 * reload → the accepted span is stored, with source `similar`, and shows in its dataset's list.
 */
type Span = { id: string; datasetId: number; labelId: number; start: number; end: number; source: string };
type Label = { id: number; name: string };

let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let page: Page;

const api = async <T>(path: string): Promise<T> => {
  const res = await server.fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const similarSpans = async () => (await api<{ annotations: Span[] }>('/api/annotations?source=similar')).annotations;

beforeAll(async () => {
  db = tempDbPath('similar');
  server = await startServer(db.file);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
});

describe('find similar in the browser', () => {
  it('draws a span, finds similar windows across the demo datasets, accepts two, undoes one', async () => {
    const datasets = (await api<{ datasets: Array<{ id: number; name: string }> }>('/api/datasets')).datasets;
    const aapl = datasets.find((d) => d.name === 'AAPL daily (demo)')!;
    page = await openApp(browser, server, 'e2e-sim', aapl.id);

    await dragAcrossChart(page, 0.4, 0.6);
    await page.waitForSelector('[data-testid="label-picker"]');
    await page.click('[data-testid="find-similar"]');
    await page.waitForSelector('[data-testid="similar-result"]');
    const results = page.locator('[data-testid="similar-result"]');
    expect(await results.count()).toBeGreaterThanOrEqual(10);
    expect(await page.locator('[data-testid="similar-results"] svg.mini-chart').count()).toBe(await results.count());
    // Results come from several demo datasets, best first.
    const texts = await results.allInnerTexts();
    expect(new Set(texts.map((t) => datasets.find((d) => t.includes(d.name))?.id)).size).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="similar-report"]').innerText()).toMatch(/similar/);
    await screenshot(page, 'similar-01-results');

    const labels = (await api<{ labels: Label[] }>('/api/labels')).labels;
    const doubleTop = labels.find((l) => l.name === 'double top')!;
    await page.selectOption('[data-testid="similar-label"]', String(doubleTop.id));
    await results.nth(0).locator('[data-testid="similar-accept"]').click();
    await results.nth(1).locator('[data-testid="similar-accept"]').click();
    await waitSaved(page);
    await expect.poll(async () => (await similarSpans()).length).toBe(2);
    await expect.poll(() => page.locator('[data-testid="similar-result"][data-state="accepted"]').count()).toBe(2);

    await page.click('button[aria-label="Undo"]');
    await waitSaved(page);
    await expect.poll(async () => (await similarSpans()).length).toBe(1);
    // The undone result is open again; the other stays accepted.
    await expect.poll(() => page.locator('[data-testid="similar-result"][data-state="accepted"]').count()).toBe(1);
    expect(await results.nth(0).getAttribute('data-state')).toBe('accepted');
    expect(await results.nth(1).getAttribute('data-state')).toBe('open');
    await screenshot(page, 'similar-02-accepted-one');
  });

  it('after a reload the accepted span is there with source similar', async () => {
    const [kept] = await similarSpans();
    expect(kept).toMatchObject({ source: 'similar' });
    const labels = (await api<{ labels: Label[] }>('/api/labels')).labels;
    expect(labels.find((l) => l.id === kept.labelId)?.name).toBe('double top');

    await page.goto(`${server.url}/?dataset=${kept.datasetId}`);
    await page.waitForSelector('[data-testid="chart"] canvas');
    await expect
      .poll(() => page.locator('[data-testid="span-row"] .source-badge[data-source="similar"]').count())
      .toBe(1);
    await screenshot(page, 'similar-03-after-reload');
    // The search is a labelling function: its row stands in the dataset's labelling-function report.
    await page.click('[data-testid="tab-autolabel"]');
    await expect.poll(() => page.locator('[data-testid="similar-report-row"]').count()).toBe(1);
    expect(await page.locator('[data-testid="similar-report-row"]').innerText()).toMatch(/^similar: /);
  });
});
