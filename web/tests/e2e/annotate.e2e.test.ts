import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dragAcrossChart, launchBrowser, openApp, screenshot, waitForChart, waitSaved } from './browser';
import { syntheticCsv } from '../support/syntheticCsv';
import { startServer, tempDbPath, type RunningServer } from './server';

/**
 * The annotation scenario in a real browser against the built server:
 * open the demo dataset → drag a span with the mouse → label it by hotkey → reload → the span is
 * there → the export contains it. Then: resize + undo, two tabs editing one span, auto-label.
 */
type Span = {
  id: string;
  labelId: number;
  start: number;
  end: number;
  source: string;
  annotator: string;
  version: number;
  note: string | null;
};
type Label = { id: number; name: string; hotkey: number | null };

let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let labels: Label[];
let datasetId: number;

const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const res = await server.fetch(path, init);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const spans = async () => (await api<{ annotations: Span[] }>(`/api/annotations?datasetId=${datasetId}`)).annotations;

beforeAll(async () => {
  db = tempDbPath('annotate');
  server = await startServer(db.file);
  browser = await launchBrowser();
  labels = (await api<{ labels: Label[] }>('/api/labels')).labels;
  const datasets = (await api<{ datasets: Array<{ id: number; name: string }> }>('/api/datasets')).datasets;
  datasetId = datasets.find((d) => d.name === 'AAPL daily (demo)')!.id;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
});

describe('annotating in the browser', () => {
  let page: Page;
  let created: Span;

  it('opens the demo dataset', async () => {
    page = await openApp(browser, server, 'e2e-alice');
    await expect.poll(() => page.locator('[data-testid="dataset-picker"]').inputValue()).toBe(String(datasetId));
    expect(await page.locator('[data-testid="ohlcv-legend"]').innerText()).toMatch(
      /AAPL[\s\S]*O[\s\S]*H[\s\S]*L[\s\S]*C[\s\S]*V/,
    );
    expect(await page.locator('[data-testid="view-info"]').innerText()).toMatch(/candles in view/);
    await screenshot(page, '01-demo-dataset-open');
  });

  it('drags a span with the mouse and labels it with a hotkey', async () => {
    await dragAcrossChart(page, 0.42, 0.55);
    await page.waitForSelector('[data-testid="label-picker"]');
    await screenshot(page, '02-selection-label-picker');
    const bullFlag = labels.find((l) => l.name === 'bull flag')!;
    await page.keyboard.press(String(bullFlag.hotkey));
    await page.waitForSelector('[data-testid="label-picker"]', { state: 'detached' });
    await waitSaved(page);
    const list = await spans();
    expect(list).toHaveLength(1);
    created = list[0];
    expect(created).toMatchObject({ labelId: bullFlag.id, source: 'human', annotator: 'e2e-alice', version: 1 });
    expect(created.end).toBeGreaterThan(created.start);
    await expect.poll(() => page.locator('[data-testid="span-row"]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="save-status"]').innerText()).toBe('Saved');
    await screenshot(page, '03-span-labelled');
  });

  it('the span is still there after a reload', async () => {
    await page.reload();
    await waitForChart(page);
    await expect.poll(() => page.locator('[data-testid="span-row"]').count()).toBe(1);
    expect(await page.locator('[data-testid="span-row"]').first().innerText()).toMatch(/bull flag/);
    await page.locator('[data-testid="span-row"]').first().click();
    await page.waitForSelector('[data-testid="span-inspector"]');
    await screenshot(page, '04-after-reload-selected');
  });

  it('the export contains it (JSON and CSV)', async () => {
    const json = await api<{ format: string; spans: Array<Record<string, unknown>> }>(
      `/api/annotations/export?format=json&datasetId=${datasetId}`,
    );
    expect(json.format).toBe('candle-annotator/spans');
    expect(json.spans).toEqual([
      expect.objectContaining({
        id: created.id,
        dataset: 'AAPL daily (demo)',
        symbol: 'AAPL',
        timeframe: '1d',
        start: created.start,
        end: created.end,
        label: 'bull flag',
        source: 'human',
        annotator: 'e2e-alice',
      }),
    ]);
    const csv = await (await server.fetch('/api/annotations/export?format=csv')).text();
    expect(csv).toContain(
      `${created.id},AAPL daily (demo),AAPL,1d,${created.start},${created.end},bull flag,human,e2e-alice`,
    );
  });

  it('a note autosaves; resizing by dragging an edge, then Ctrl+Z undoes it', async () => {
    await page.locator('[data-testid="span-note"]').fill('pole, then a tight flag');
    await page.locator('[data-testid="span-note"]').blur();
    await waitSaved(page);
    await expect.poll(async () => (await spans())[0].note).toBe('pole, then a tight flag');

    // Grab the right edge of the selected span: find it by scanning for the resize cursor.
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    const y = box.y + box.height * 0.75 * 0.45;
    let edgeX: number | null = null;
    for (let x = box.x + (box.width - 70) * 0.5; x < box.x + (box.width - 70) * 0.7; x += 2) {
      await page.mouse.move(x, y);
      if ((await page.locator('[data-testid="chart"]').getAttribute('data-cursor')) === 'resize') {
        edgeX = x;
        break;
      }
    }
    expect(edgeX, 'found the span edge').not.toBeNull();
    const before = (await spans())[0];
    await page.mouse.down();
    await page.mouse.move(edgeX! + 60, y, { steps: 8 });
    await page.mouse.up();
    await waitSaved(page);
    await expect.poll(async () => (await spans())[0].end).toBeGreaterThan(before.end);
    await screenshot(page, '05-span-resized');

    await page.keyboard.press('Control+z');
    await waitSaved(page);
    await expect.poll(async () => (await spans())[0].end).toBe(before.end);
    await page.keyboard.press('Control+Shift+z');
    await waitSaved(page);
    await expect.poll(async () => (await spans())[0].end).toBeGreaterThan(before.end);
  });

  it('keyboard zoom and pan move the view', async () => {
    const info = () => page.locator('[data-testid="view-info"]').innerText();
    const start = await info();
    await page.keyboard.press('+');
    await expect.poll(info).not.toBe(start);
    const zoomed = await info();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(info).not.toBe(zoomed);
    await page.keyboard.press('Home');
    await expect.poll(info).toMatch(/2000-03-01/);
    await page.keyboard.press('End');
    await expect.poll(info).toMatch(/2013-03-01/);
  });

  it('two tabs: a stale edit is refused, the span reloads and the user is told', async () => {
    const tabB = await openApp(browser, server, 'e2e-bob', datasetId);
    await tabB.locator('[data-testid="span-row"]').first().click();
    await page.locator('[data-testid="span-row"]').first().click();
    const doji = labels.find((l) => l.name === 'doji')!;
    const hammer = labels.find((l) => l.name === 'hammer')!;
    // Tab A relabels first…
    await page.keyboard.press(String(doji.hotkey));
    await waitSaved(page);
    // …tab B still shows the old version and relabels too.
    await tabB.keyboard.press(String(hammer.hotkey));
    await tabB.waitForSelector('[data-testid="toast"][data-kind="warning"]');
    expect(await tabB.locator('[data-testid="toast"]').first().innerText()).toMatch(/not saved.*changed elsewhere/s);
    expect(await tabB.locator('[data-testid="save-status"]').getAttribute('data-status')).toBe('error');
    await expect.poll(() => tabB.locator('[data-testid="span-row"]').first().innerText()).toMatch(/doji/);
    expect((await spans())[0].labelId).toBe(doji.id);
    await screenshot(tabB, '06-stale-write-second-tab');
    await tabB.context().close();
  });

  it('auto-labels with TA-Lib: a toggleable layer and a report table', async () => {
    await page.locator('[data-testid="tab-autolabel"]').click();
    await page.waitForSelector('[data-testid="autolabel-panel"] .pattern-list label');
    await page.locator('[data-testid="run-autolabel"]').click();
    await page.waitForSelector('[data-testid="autolabel-report"] tbody tr');
    const rows = await page.locator('[data-testid="autolabel-report"] tbody tr').count();
    expect(rows).toBeGreaterThan(2);
    const talib = (await spans()).filter((s) => s.source === 'talib');
    expect(talib.length).toBeGreaterThan(10);
    await screenshot(page, '07-autolabel-report');
    await page.keyboard.press('t');
    await expect.poll(() => page.locator('[data-testid="toggle-talib"]').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('t');
  });
  it('click the first candle, Shift+click the last: the range is selected; Esc cancels', async () => {
    await page.locator('[data-testid="tab-spans"]').click();
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    const y = box.y + box.height * 0.2;
    await page.mouse.click(box.x + (box.width - 70) * 0.1, y);
    await page.waitForSelector('[data-testid="label-picker"][data-compact="true"]'); // one candle: a slim bar
    await page.keyboard.down('Shift');
    await page.mouse.click(box.x + (box.width - 70) * 0.25, y);
    await page.keyboard.up('Shift');
    await expect
      .poll(() => page.locator('[data-testid="label-picker"]').innerText())
      .toMatch(/\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d/);
    await screenshot(page, '07a-shift-click-range');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="label-picker"]', { state: 'detached' });
  });

  it('deleting a label in use asks what to do with its spans (reassign)', async () => {
    const doji = labels.find((l) => l.name === 'doji')!;
    const bullFlag = labels.find((l) => l.name === 'bull flag')!;
    await page.locator('[data-testid="open-labels"]').click();
    await page.locator('[data-testid="label-row-doji"] button', { hasText: 'Delete' }).click();
    await page.waitForSelector('[data-testid="delete-label-dialog"]');
    expect(await page.locator('[data-testid="delete-label-dialog"]').innerText()).toMatch(/\d+ spans? uses? .doji./);
    await page.locator('[data-testid="delete-label-dialog"] select').selectOption(String(bullFlag.id));
    await screenshot(page, '07b-delete-label-in-use');
    await page.locator('[data-testid="confirm-delete-label"]').click();
    await page.waitForSelector('[data-testid="delete-label-dialog"]', { state: 'detached' });
    await expect
      .poll(() => page.locator('[data-testid="label-manager"] [data-testid="label-row-doji"]').count())
      .toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="label-manager"]', { state: 'detached' });
    const human = (await spans()).filter((s) => s.source === 'human');
    expect(human.map((s) => s.labelId)).toEqual([bullFlag.id]);
    expect((await spans()).some((s) => s.labelId === doji.id)).toBe(false);
    await expect.poll(() => page.locator('[data-testid="span-row"]').first().innerText()).toMatch(/bull flag/);
  });

  it('uploads a CSV with an invalid row: rejected rows are listed, skipping imports the rest', async () => {
    const rows = ['Date,Open,High,Low,Close,Volume'];
    for (let i = 0; i < 30; i++) {
      const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
      rows.push(i === 7 ? `${d},10,9,11,10,100` : `${d},${10 + i},${11 + i},${9 + i},${10.5 + i},${1000 + i}`);
    }
    // The dialog's requests: a preview sends the file, the Import names the preview's parse.
    const sent: string[] = [];
    const record = (r: { method(): string; url(): string }) => {
      const url = new URL(r.url());
      if (r.method() === 'POST' && url.pathname.startsWith('/api/datasets'))
        sent.push(`${url.pathname} staged=${url.searchParams.has('staged')}`);
    };
    page.on('request', record);
    await page.locator('[data-testid="open-upload"]').click();
    // The server's limit, as the dialog learned it (1 GiB by default).
    await expect.poll(() => page.locator('[data-testid="upload-dialog"]').innerText()).toMatch(/Max 1\.0 GB\./);
    await page
      .locator('[data-testid="upload-input"]')
      .setInputFiles({ name: 'eurusd_daily.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n') + '\n') });
    await page.waitForSelector('[data-testid="rejected-rows"]');
    expect(await page.locator('[data-testid="rejected-rows"] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid="rejected-rows"] tbody').innerText()).toMatch(/^9\b/);
    expect(await page.locator('[data-testid="upload-submit"]').isDisabled()).toBe(true);
    await screenshot(page, '08-upload-rejected-rows');
    await page.locator('[data-testid="skip-invalid"]').check();
    await page.locator('[data-testid="upload-submit"]').click();
    await page.waitForSelector('[data-testid="upload-dialog"]', { state: 'detached' });
    const datasets = (
      await api<{
        datasets: Array<{ id: number; name: string; candleCount: number; importReport: { rejectedCount: number } }>;
      }>('/api/datasets')
    ).datasets;
    const uploaded = datasets.find((d) => d.name === 'eurusd_daily')!;
    expect(uploaded).toMatchObject({ candleCount: 29, importReport: { rejectedCount: 1 } });
    page.off('request', record);
    expect(sent).toEqual(['/api/datasets/preview staged=false', '/api/datasets staged=true']);
    await expect.poll(() => page.locator('[data-testid="dataset-picker"]').inputValue()).toBe(String(uploaded.id));
    await waitForChart(page);
  });

  it('shows how an upload was read, with the ambiguity it settled, and reads it the other way on request', async () => {
    // June 1-12, 2020 (weekdays) written day first: every day is <= 12, so both orders parse.
    const days = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12];
    const csv = [
      'Date,Open,High,Low,Close',
      ...days.map((d) => `${String(d).padStart(2, '0')}/06/2020,1.12,1.13,1.11,1.125`),
    ];
    await page.locator('[data-testid="open-upload"]').click();
    await page
      .locator('[data-testid="upload-input"]')
      .setInputFiles({ name: 'day_first.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.join('\n') + '\n') });
    await page.waitForSelector('[data-testid="import-ambiguity"]');
    expect(await page.locator('[data-testid="import-reading-detected"]').innerText()).toMatch(/DD\/MM\/YYYY/);
    expect(await page.locator('[data-testid="import-ambiguity"]').innerText()).toMatch(/Date order is ambiguous/);
    expect(await page.locator('[data-testid="upload-preview"]').innerText()).toMatch(/10 candles · 1d/);
    await screenshot(page, '08b-upload-ambiguous-dates');
    await page.locator('[data-testid="import-ambiguity-switch"]').click();
    await expect
      .poll(() => page.locator('[data-testid="import-reading-detected"]').innerText())
      .toMatch(/MM\/DD\/YYYY/);
    expect(await page.locator('[data-testid="import-date-order"]').inputValue()).toBe('month');
    await page.locator('[data-testid="import-date-order"]').selectOption('day');
    await expect
      .poll(() => page.locator('[data-testid="import-reading-detected"]').innerText())
      .toMatch(/DD\/MM\/YYYY/);
    await page.locator('[data-testid="upload-submit"]').click();
    await page.waitForSelector('[data-testid="upload-dialog"]', { state: 'detached' });
    const { datasets } = await api<{ datasets: Array<{ name: string; firstTime: number; timeframe: string }> }>(
      '/api/datasets',
    );
    expect(datasets.find((d) => d.name === 'day_first')).toMatchObject({
      firstTime: Date.UTC(2020, 5, 1),
      timeframe: '1d',
    });
  });

  it('opens a 100,000-candle dataset smoothly: aggregated overview, raw candles when zoomed in', async () => {
    const up = await server.fetch('/api/datasets?name=synthetic%20100k&symbol=SYN', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: syntheticCsv(100_000),
    });
    expect(up.status).toBe(201);
    const { datasets } = (await up.json()) as { datasets: Array<{ id: number }> };
    const t0 = Date.now();
    await page.goto(`${server.url}/?dataset=${datasets[0].id}`);
    await waitForChart(page);
    const openMs = Date.now() - t0;
    console.log(`100k-candle dataset opened in ${openMs} ms`);
    expect(openMs).toBeLessThan(8000);
    const info = () => page.locator('[data-testid="view-info"]').innerText();
    await page.keyboard.press('f');
    await expect.poll(info).toMatch(/^100,000 candles in view.*aggregate/);
    await screenshot(page, '09-100k-candles-overview');
    for (let i = 0; i < 40 && /aggregate/.test(await info()); i++) {
      await page.keyboard.press('+');
      await page.waitForTimeout(40);
    }
    await expect.poll(info, { timeout: 10_000 }).not.toMatch(/aggregate/);
    const t1 = Date.now();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(info).not.toMatch(/aggregate/);
    console.log(`10 keyboard pans in ${Date.now() - t1} ms`);
    await screenshot(page, '10-100k-candles-zoomed-raw');

    // The overview is served from the stored levels: whole 16-candle runs per bucket (25 without them).
    const overview = await server.fetch(`/api/datasets/${datasets[0].id}/candles?maxPoints=4000`);
    expect(await overview.json()).toMatchObject({ total: 100_000, bucketSize: 32 });
    // Back to the whole range, then wheel-zoom in at its left edge: the oldest candles, far from the
    // tail loaded at open, arrive raw.
    await page.keyboard.press('f');
    await expect.poll(info).toMatch(/aggregate/);
    const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + box.height * 0.35);
    for (let i = 0; i < 60 && /aggregate/.test(await info()); i++) {
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(40);
    }
    await expect.poll(info, { timeout: 10_000 }).not.toMatch(/aggregate/);
    expect(await info()).toMatch(/candles in view · 2020-01-0\d/);
    await screenshot(page, '11-100k-candles-zoomed-at-start');
  });

  it('lists 3,000 spans: only the rows in view are in the page, all of them reachable by scrolling', async () => {
    const datasets = (await api<{ datasets: Array<{ id: number; name: string }> }>('/api/datasets')).datasets;
    const msft = datasets.find((d) => d.name === 'MSFT daily (demo)')!;
    const { candles } = await api<{ candles: { time: number[] } }>(`/api/datasets/${msft.id}/candles?maxPoints=20000`);
    const count = 3000;
    // The labels as they are now (an earlier scenario deleted one).
    const current = (await api<{ labels: Label[] }>('/api/labels')).labels;
    const operations = Array.from({ length: count }, (_, i) => ({
      op: 'create' as const,
      annotation: {
        datasetId: msft.id,
        labelId: current[i % current.length].id,
        start: candles.time[i],
        end: candles.time[i + 1],
        source: 'human',
      },
    }));
    await api('/api/annotations/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operations }),
    });
    const byStart = (await api<{ annotations: Span[] }>(`/api/annotations?datasetId=${msft.id}`)).annotations.sort(
      (a, b) => a.start - b.start,
    );
    expect(byStart).toHaveLength(count);

    await page.goto(`${server.url}/?dataset=${msft.id}`);
    await waitForChart(page);
    const list = page.locator('[data-testid="span-list"]');
    const rows = page.locator('[data-testid="span-row"]');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // A screenful plus the overscan, not 3,000 rows; the scrollbar still spans the whole list.
    expect(await rows.count()).toBeLessThan(80);
    expect((await rows.first().boundingBox())!.height).toBeCloseTo(30, 0);
    expect(await list.evaluate((el) => el.scrollHeight)).toBeGreaterThan(count * 30);
    expect(await rows.first().getAttribute('data-span-id')).toBe(byStart[0].id);

    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect.poll(() => rows.last().getAttribute('data-span-id')).toBe(byStart[count - 1].id);
    expect(await rows.count()).toBeLessThan(80);
    await screenshot(page, '12-3000-spans-scrolled-to-the-end');

    // A span selected away from the list (`[` from no selection: the last one) is scrolled into view.
    await list.evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect.poll(() => rows.first().getAttribute('data-span-id')).toBe(byStart[0].id);
    await page.locator('[data-testid="chart"]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.keyboard.press('[');
    const selected = page.locator('[data-testid="span-row"][aria-selected="true"]');
    await expect.poll(() => selected.getAttribute('data-span-id')).toBe(byStart[count - 1].id);
    const inList = (await list.boundingBox())!;
    const row = (await selected.boundingBox())!;
    expect(row.y).toBeGreaterThanOrEqual(inList.y);
    expect(row.y + row.height).toBeLessThanOrEqual(inList.y + inList.height + 1);
  });
});
