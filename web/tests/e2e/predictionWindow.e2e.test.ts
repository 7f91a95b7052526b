import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainSmallLsModel } from '../support/lsModel';
import { syntheticCsv } from '../support/syntheticCsv';
import { launchBrowser, openApp } from './browser';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * Predictions of a dataset bigger than the window threshold follow the view: the app is started
 * with the threshold lowered (CANDLE_PREDICTION_WINDOW_CANDLES) so a 60k-candle dataset is "big";
 * opening it predicts only around the view, and a pan to the other end (End) requests predictions
 * for the new range (and shows them), never the whole dataset.
 */
const CANDLES = 60_000;
const THRESHOLD = 5_000;
const MINUTE = 60_000;
const START = Date.UTC(2020, 0, 1);
const LAST = START + (CANDLES - 1) * MINUTE;

let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let registry: string;
let datasetId: number;
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

type PredictBody = { datasetId: number; from?: number; to?: number };

beforeAll(async () => {
  db = tempDbPath('prediction-window');
  registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-e2e-window-models-'));
  await trainSmallLsModel(registry, 'window-e2e');
  process.env.CANDLE_MODELS_DIR = registry;
  server = await startServer(db.file, { demo: false, env: { CANDLE_PREDICTION_WINDOW_CANDLES: String(THRESHOLD) } });
  browser = await launchBrowser();
  const res = await server.fetch('/api/datasets?name=big&fileName=big.csv&timeframe=1m', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: syntheticCsv(CANDLES, MINUTE, START),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  datasetId = ((await res.json()) as { datasets: { id: number }[] }).datasets[0].id;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (db) fs.rmSync(db.dir, { recursive: true, force: true });
  if (registry) fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

/** The range the shown prediction covers, once predictions are shown for it. */
async function loadedRange(page: Page, accept: (r: { from: number; to: number }) => boolean) {
  const scope = page.locator('[data-testid="prediction-scope"]');
  let range = { from: NaN, to: NaN };
  let status = '';
  await expect
    .poll(
      async () => {
        range = {
          from: Number(await scope.getAttribute('data-from')),
          to: Number(await scope.getAttribute('data-to')),
        };
        status = await page.locator('[data-testid="prediction-status"]').innerText();
        return Number.isFinite(range.from) && range.from > 0 && status.includes('predictions shown') && accept(range);
      },
      { timeout: 60_000 },
    )
    .toBe(true)
    .catch((e: Error) => {
      throw new Error(`${e.message}; last loaded range ${JSON.stringify(range)}, status "${status}"`);
    });
  return range;
}

describe('predictions of a big dataset follow the view', () => {
  it('opens with predictions around the view, and a pan to the far end requests that range', async () => {
    const page = await openApp(browser, server, 'window-annotator', datasetId);
    const requests: PredictBody[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/predict')
        requests.push(JSON.parse(r.postData() ?? '{}') as PredictBody);
    });
    await page.locator('[data-testid="tab-model"]').click();
    await expect.poll(() => page.locator('[data-testid="prediction-scope"]').innerText()).toContain('visible range');
    await expect.poll(() => page.locator('[data-testid="reviewed-count"]').innerText()).toContain('loaded range');

    // Start of the dataset: a window there, not the whole dataset.
    await page.keyboard.press('Home');
    const first = await loadedRange(page, (r) => r.from === START);
    expect(first.to).toBeLessThan(START + THRESHOLD * MINUTE);

    // The far end of the dataset: a new request for a range there, and its predictions shown.
    const before = requests.length;
    await page.keyboard.press('End');
    const last = await loadedRange(page, (r) => r.from > first.to + THRESHOLD * MINUTE);
    const sent = requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[sent.length - 1]).toMatchObject({ datasetId, from: last.from, to: last.to });
    expect(last.to - last.from).toBeLessThanOrEqual(THRESHOLD * MINUTE);
    expect(last.to).toBeLessThanOrEqual(LAST);
    expect(await page.locator('[data-testid="view-info"]').innerText()).not.toContain('2020-01-01');
    // Every request of the session named a range: the 60k candles were never predicted whole.
    for (const r of requests) expect(r.from).toBeDefined();
    await page.context().close();
  });
});
