import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, waitForChart, waitSaved } from './browser';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * The model loop in a real browser on the demo data: train from the UI (fast preset, one dataset)
 * → predictions appear → the slider hides low-confidence ones → confirm one (survives a reload)
 * → dismiss one (hidden, stored as a negative) → "next uncertain" moves the chart, and the
 * reviewed count survives a reload.
 */
type Span = { id: string; labelId: number; start: number; end: number; source: string; kind: string };

let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let registry: string;
let datasetId: number;
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

const api = async <T>(p: string): Promise<T> => {
  const res = await server.fetch(p);
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const spans = async () => (await api<{ annotations: Span[] }>(`/api/annotations?datasetId=${datasetId}`)).annotations;
const rowCount = async (page: Page) =>
  Number(await page.locator('[data-testid="prediction-status"]').getAttribute('data-count'));
const viewText = (page: Page) => page.locator('[data-testid="view-info"]').innerText();
const stripCells = async (page: Page) =>
  Number((await page.locator('[data-testid="confidence-strip-legend"]').getAttribute('data-cells')) ?? 0);
/**
 * The price pane's pixels along the middle row of the confidence strip (7 px tall, above the 9 px
 * TA-Lib lane and its 3 + 2 px gaps at the bottom of the pane), as 'r,g,b' per x: where canvases
 * overlap, the later one wins where it is painted.
 */
const stripRow = (page: Page) =>
  page.evaluate(() => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid="chart"] canvas')];
    const rects = canvases.map((c) => c.getBoundingClientRect());
    const top = Math.min(...rects.map((r) => r.top));
    const pane = canvases.filter((_, i) => Math.abs(rects[i].top - top) < 1 && rects[i].width > 300);
    const row: string[] = [];
    for (const c of pane) {
      const r = c.getBoundingClientRect();
      const ratio = c.height / r.height;
      const y = Math.floor((r.height - 9 - 3 - 2 - 3.5) * ratio);
      const data = c.getContext('2d')!.getImageData(0, y, c.width, 1).data;
      for (let x = 0; x < c.width; x++)
        if (data[x * 4 + 3] > 0) row[x] = `${data[x * 4]},${data[x * 4 + 1]},${data[x * 4 + 2]}`;
    }
    return row;
  });
const differing = (a: string[], b: string[]) => a.filter((v, i) => v !== b[i]).length;

beforeAll(async () => {
  db = tempDbPath('model');
  registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-e2e-models-'));
  process.env.CANDLE_MODELS_DIR = registry;
  server = await startServer(db.file);
  browser = await launchBrowser();
  const datasets = (await api<{ datasets: Array<{ id: number; name: string }> }>('/api/datasets')).datasets;
  datasetId = datasets.find((d) => d.name === 'AAPL daily (demo)')!.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

describe('the model loop in the browser', () => {
  let page: Page;

  it('trains from the UI (fast preset) and shows predictions', async () => {
    page = await openApp(browser, server, 'e2e-model', datasetId);
    await page.click('[data-testid="tab-model"]');
    await page.selectOption('[data-testid="train-preset"]', 'fast');
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="train-status"]');
    await page.waitForSelector('[data-testid="train-result"]', { timeout: 120_000 });
    expect(await page.locator('[data-testid="train-result"]').innerText()).toMatch(/v0001 \(new\)[\s\S]*val macro-F1/);
    await expect.poll(() => rowCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="prediction-status"]').innerText()).toMatch(/model v0001/);
    await page.click('[data-testid="model-info-toggle"]');
    await page.waitForSelector('[data-testid="model-info"] table');
    await screenshot(page, 'model-01-trained-predictions');
  }, 180_000);

  it('the confidence slider hides low-confidence predictions', async () => {
    await page.locator('[data-testid="confidence-slider"]').fill('0');
    await expect.poll(() => page.locator('[data-testid="confidence-value"]').innerText()).toBe('0%');
    const atZero = await rowCount(page);
    await page.locator('[data-testid="confidence-slider"]').fill('0.9');
    await expect.poll(() => page.locator('[data-testid="confidence-value"]').innerText()).toBe('90%');
    const atHigh = await rowCount(page);
    expect(atHigh).toBeLessThan(atZero);
    await page.locator('[data-testid="confidence-slider"]').fill('0.5');
    await expect.poll(() => rowCount(page)).toBeGreaterThan(1);
    await screenshot(page, 'model-02-threshold');
  });

  it('confirm turns a prediction into an annotation that survives a reload', async () => {
    const before = await rowCount(page);
    await page.locator('[data-testid="prediction-row"]').first().click();
    await page.waitForSelector('[data-testid="selected-prediction"]');
    await screenshot(page, 'model-03-prediction-selected');
    await page.keyboard.press('a');
    await waitSaved(page);
    await expect.poll(async () => (await spans()).filter((s) => s.source === 'model-confirmed').length).toBe(1);
    await expect.poll(() => rowCount(page)).toBe(before - 1);
    await page.reload();
    await waitForChart(page);
    await expect.poll(() => page.locator('[data-testid="span-row"]').count()).toBe(1);
    expect((await spans()).filter((s) => s.source === 'model-confirmed' && s.kind === 'positive')).toHaveLength(1);
    await screenshot(page, 'model-04-confirmed-after-reload');
  });

  it('dismiss hides a prediction and stores a negative', async () => {
    await page.click('[data-testid="tab-model"]');
    await expect.poll(() => rowCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await rowCount(page);
    await page.locator('[data-testid="prediction-row"]').first().click();
    await page.click('[data-testid="pred-dismiss"]');
    await waitSaved(page);
    await expect.poll(async () => (await spans()).filter((s) => s.kind === 'negative').length).toBe(1);
    await expect.poll(() => rowCount(page)).toBe(before - 1);
    await screenshot(page, 'model-05-dismissed');
  });

  it('"next uncertain" moves the chart', async () => {
    const before = await viewText(page);
    await page.click('[data-testid="next-uncertain"]');
    await expect.poll(() => viewText(page)).not.toBe(before);
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 1 of \d+/);
    const second = await viewText(page);
    await page.keyboard.press('u');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 2 of/);
    expect(await viewText(page)).not.toBe('');
    void second;
    await screenshot(page, 'model-06-next-uncertain');
  });

  it('the reviewed count is stored: it survives a reload', async () => {
    const stored = async () =>
      (await api<{ reviewed: unknown[] }>(`/api/datasets/${datasetId}/reviewed-regions?modelVersion=v0001`)).reviewed
        .length;
    await expect.poll(stored).toBe(2);
    await page.reload();
    await waitForChart(page);
    await page.click('[data-testid="tab-model"]');
    await expect
      .poll(() => page.locator('[data-testid="reviewed-count"]').innerText(), { timeout: 30_000 })
      .toMatch(/Reviewed 2 of [1-9]/);
    await page.keyboard.press('u');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 3 of/);
    await expect.poll(stored).toBe(3);
    // Reset starts the round again, for good.
    await page.click('[data-testid="reviewed-reset"]');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 0 of/);
    await expect.poll(stored).toBe(0);
  });

  it('the confidence strip draws per-candle confidence along the bottom of the chart', async () => {
    await expect.poll(() => rowCount(page), { timeout: 30_000 }).toBeGreaterThan(0);
    // Off by default: no legend, nothing drawn.
    expect(await page.locator('[data-testid="toggle-confidence-strip"]').isChecked()).toBe(false);
    expect(await page.locator('[data-testid="confidence-strip-legend"]').count()).toBe(0);
    await page.mouse.move(5, 5); // keep the crosshair off the strip's row
    const off = await stripRow(page);

    await page.click('[data-testid="toggle-confidence-strip"]');
    await expect.poll(() => stripCells(page)).toBeGreaterThan(20);
    const legend = page.locator('[data-testid="confidence-strip-legend"]');
    expect(await legend.innerText()).toMatch(/top-class probability\s*\d+%\s*\d+%/);
    await page.mouse.move(5, 5);
    const probability = await stripRow(page);
    expect(differing(off, probability)).toBeGreaterThan(100);

    // Uncertainty follows the active-learning metric: entropy, then margin.
    await page.selectOption('[data-testid="confidence-strip-mode"]', 'uncertainty');
    await expect.poll(() => legend.getAttribute('data-mode')).toBe('uncertainty');
    expect(await legend.innerText()).toMatch(/entropy/);
    await page.mouse.move(5, 5);
    const entropy = await stripRow(page);
    expect(differing(probability, entropy)).toBeGreaterThan(20);
    await page.selectOption('[data-testid="uncertainty-metric"]', 'margin');
    await expect.poll(() => legend.innerText()).toMatch(/uncertainty: margin/);
    expect(await stripCells(page)).toBeGreaterThan(20);

    // Hovering a cell shows its readout on the chart.
    const box = await page.evaluate(() => {
      const rects = [...document.querySelectorAll('[data-testid="chart"] canvas')].map((c) =>
        c.getBoundingClientRect(),
      );
      const top = Math.min(...rects.map((r) => r.top));
      const r = rects.find((q) => Math.abs(q.top - top) < 1 && q.width > 300)!;
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height - 9 - 3 - 2 - 3.5);
    await screenshot(page, 'model-07-confidence-strip');

    // Zoomed out to the whole dataset it still draws (bars narrower than a pixel are pooled).
    // (Toolbar buttons: a key press would go to the focused select.)
    const cellsZoomedIn = await stripCells(page);
    await page.click('button[title="Fit all data (F)"]');
    await expect.poll(() => stripCells(page)).not.toBe(cellsZoomedIn);
    expect(await stripCells(page)).toBeGreaterThan(300);
    expect(await stripCells(page)).toBeLessThanOrEqual(Math.ceil(box.width) + 1); // at most one cell per pixel column

    // The choice is kept in the browser.
    await page.reload();
    await waitForChart(page);
    await page.click('[data-testid="tab-model"]');
    expect(await page.locator('[data-testid="toggle-confidence-strip"]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid="confidence-strip-mode"]').inputValue()).toBe('uncertainty');
    await expect.poll(() => stripCells(page), { timeout: 30_000 }).toBeGreaterThan(20);

    // A focused checkbox keeps Space but lets the chart's letter shortcuts through (F = fit all).
    await page.click('[data-testid="confidence-strip-tint"]');
    const before = await viewText(page);
    await page.keyboard.press('f');
    await expect.poll(() => viewText(page)).not.toBe(before);
  });
});
