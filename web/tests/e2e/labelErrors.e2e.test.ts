import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, waitForChart, waitSaved } from './browser';
import { startServer, tempDbPath, type RunningServer } from './server';
import fs from 'node:fs';

/**
 * The label-error finder in a real browser on the demo AAPL data: human spans drawn from TA-Lib's
 * dojis and engulfings, every 8th deliberately given the other label → "Find label errors" → the
 * mislabelled ones rank first → relabel one as suggested (the span changes, undo-able) → keep
 * another → both survive a reload.
 */
type Span = { id: string; labelId: number; start: number; end: number; source: string; kind: string };

let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let datasetId: number;
const flipped = new Set<string>();

const api = async <T>(p: string, init?: RequestInit): Promise<T> => {
  const res = await server.fetch(p, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const spans = async () => (await api<{ annotations: Span[] }>(`/api/annotations?datasetId=${datasetId}`)).annotations;

beforeAll(async () => {
  db = tempDbPath('label-errors');
  server = await startServer(db.file);
  browser = await launchBrowser();
  const datasets = (await api<{ datasets: Array<{ id: number; name: string }> }>('/api/datasets')).datasets;
  datasetId = datasets.find((d) => d.name === 'AAPL daily (demo)')!.id;
  const labels = (await api<{ labels: Array<{ id: number; name: string }> }>('/api/labels')).labels;
  const labelId = (name: string) => labels.find((l) => l.name === name)!.id;

  // TA-Lib finds the patterns; a "person" copies them as human spans, with deliberate mistakes.
  await api(`/api/datasets/${datasetId}/autolabel`, {
    method: 'POST',
    body: JSON.stringify({ patterns: ['doji', 'engulfing'] }),
  });
  const found = (await spans()).filter((s) => s.source === 'talib').sort((a, b) => a.start - b.start);
  const byId = new Map(labels.map((l) => [l.id, l.name]));
  let lastEnd = -Infinity;
  const operations: unknown[] = [];
  const flips: boolean[] = [];
  for (const s of found) {
    if (s.start <= lastEnd) continue;
    lastEnd = s.end;
    const flip = operations.length % 8 === 3;
    const name = byId.get(s.labelId) === 'doji' ? (flip ? 'engulfing' : 'doji') : flip ? 'doji' : 'engulfing';
    operations.push({ op: 'create', annotation: { datasetId, labelId: labelId(name), start: s.start, end: s.end } });
    flips.push(flip);
  }
  await api(`/api/datasets/${datasetId}/autolabel`, { method: 'DELETE' });
  const created = await api<{ results: Array<{ id: string }> }>('/api/annotations/bulk', {
    method: 'POST',
    body: JSON.stringify({ annotator: 'e2e', operations }),
  });
  created.results.forEach((a, i) => flips[i] && flipped.add(a.id));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
});

const items = (page: Page) => page.locator('[data-testid="label-errors-item"]');

describe('the label-error run in the browser', () => {
  let page: Page;
  let relabelledId: string;
  let keptId: string;

  it('finds the deliberately mislabelled spans and ranks them first', async () => {
    page = await openApp(browser, server, 'e2e-check', datasetId);
    await waitForChart(page);
    await page.click('[data-testid="tab-label-errors"]');
    await page.selectOption('[data-testid="label-errors-folds"]', '3');
    await page.click('[data-testid="label-errors-start"]');
    await page.waitForSelector('[data-testid="label-errors-summary"]', { timeout: 120_000 });
    expect(await page.locator('[data-testid="label-errors-summary"]').innerText()).toMatch(
      /spans scored with 3-fold cross-validation/,
    );
    const ids = await items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-annotation-id')!));
    expect(ids.length).toBeGreaterThan(5);
    const top = ids.slice(0, 10);
    expect(top.filter((id) => flipped.has(id)).length).toBeGreaterThanOrEqual(6);
    await screenshot(page, 'label-errors-01-ranked');
  }, 150_000);

  it('relabels a flagged span as suggested, and selecting one moves the chart', async () => {
    const before = await page.locator('[data-testid="view-info"]').innerText();
    const candidates = await items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-annotation-id')!));
    // The first flagged span whose suggestion is another pattern (not "no pattern").
    let index = -1;
    for (let i = 0; i < candidates.length && index < 0; i++) {
      await items(page).nth(i).click();
      if (await page.locator('[data-testid="label-errors-relabel"]').count()) index = i;
    }
    expect(index).toBeGreaterThanOrEqual(0);
    relabelledId = candidates[index];
    await expect.poll(() => page.locator('[data-testid="view-info"]').innerText()).not.toBe(before);
    const labelBefore = (await spans()).find((s) => s.id === relabelledId)!.labelId;
    await page.click('[data-testid="label-errors-relabel"]');
    await waitSaved(page);
    await expect.poll(async () => (await spans()).find((s) => s.id === relabelledId)!.labelId).not.toBe(labelBefore);
    await expect
      .poll(() => page.locator(`[data-annotation-id="${relabelledId}"]`).getAttribute('data-state'))
      .toBe('relabelled');
    await screenshot(page, 'label-errors-02-relabelled');

    // Undo puts the label back and reopens the item; redo fixes it again.
    await page.keyboard.press('Control+z');
    await waitSaved(page);
    await expect
      .poll(() => page.locator(`[data-annotation-id="${relabelledId}"]`).getAttribute('data-state'))
      .toBe('open');
    await page.keyboard.press('Control+Shift+z');
    await waitSaved(page);
    await expect
      .poll(() => page.locator(`[data-annotation-id="${relabelledId}"]`).getAttribute('data-state'))
      .toBe('relabelled');
  }, 60_000);

  it('keeps another span as labelled; the result and both decisions survive a reload', async () => {
    const open = page.locator('[data-testid="label-errors-item"][data-state="open"]').first();
    keptId = (await open.getAttribute('data-annotation-id'))!;
    await open.click();
    await page.click('[data-testid="label-errors-keep"]');
    await expect.poll(() => page.locator(`[data-annotation-id="${keptId}"]`).getAttribute('data-state')).toBe('kept');
    await page.reload();
    await waitForChart(page);
    await page.click('[data-testid="tab-label-errors"]');
    await page.waitForSelector('[data-testid="label-errors-summary"]');
    await expect
      .poll(() => page.locator(`[data-annotation-id="${relabelledId}"]`).getAttribute('data-state'))
      .toBe('relabelled');
    await expect.poll(() => page.locator(`[data-annotation-id="${keptId}"]`).getAttribute('data-state')).toBe('kept');
    expect(await page.locator('[data-testid="label-errors-progress"]').innerText()).toMatch(
      /Reviewed [1-9]\d* of \d+ flagged spans/,
    );
    await screenshot(page, 'label-errors-03-after-reload');
  }, 60_000);
});
