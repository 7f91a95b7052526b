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
  const res = await fetch(`${server.url}${p}`);
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const spans = async () => (await api<{ annotations: Span[] }>(`/api/annotations?datasetId=${datasetId}`)).annotations;
const rowCount = async (page: Page) => Number(await page.locator('[data-testid="prediction-status"]').getAttribute('data-count'));
const viewText = (page: Page) => page.locator('[data-testid="view-info"]').innerText();

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
    page = await openApp(browser, server.url, 'e2e-model', datasetId);
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
    const stored = async () => (await api<{ reviewed: unknown[] }>(`/api/datasets/${datasetId}/reviewed-regions?modelVersion=v0001`)).reviewed.length;
    await expect.poll(stored).toBe(2);
    await page.reload();
    await waitForChart(page);
    await page.click('[data-testid="tab-model"]');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText(), { timeout: 30_000 }).toMatch(/Reviewed 2 of [1-9]/);
    await page.keyboard.press('u');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 3 of/);
    await expect.poll(stored).toBe(3);
    // Reset starts the round again, for good.
    await page.click('[data-testid="reviewed-reset"]');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toMatch(/Reviewed 0 of/);
    await expect.poll(stored).toBe(0);
  });
});
