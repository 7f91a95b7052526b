import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RESULTS_DIR, type RunningServer } from './server';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Saves a screenshot under web/test-results/ (kept as a test artifact). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Opens the app signed in as `annotator` (a user with that name and role, created on first use)
 * and waits for the chart of the chosen dataset. Content-Security-Policy violations are collected
 * on the page (see cspViolations).
 */
export async function openApp(
  browser: Browser,
  server: RunningServer,
  annotator: string,
  datasetId?: number,
  role: 'viewer' | 'annotator' | 'admin' = 'annotator',
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  await server.signIn(context, annotator, role);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  await page.goto(datasetId ? `${server.url}/?dataset=${datasetId}` : server.url);
  await waitForChart(page);
  return page;
}

export async function waitForChart(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="chart"] canvas');
  await page.waitForFunction(() => !document.querySelector('.chart-loading'));
  await page.waitForSelector('[data-testid="view-info"]');
}

export async function waitSaved(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="save-status"]')?.getAttribute('data-status') === 'saved',
  );
}

/** Drags across the price pane from fraction a to fraction b of its width. */
export async function dragAcrossChart(page: Page, a: number, b: number, yFraction = 0.45): Promise<void> {
  const box = (await page.locator('[data-testid="chart"]').boundingBox())!;
  const paneWidth = box.width - 70; // the right price scale
  const y = box.y + box.height * 0.75 * yFraction;
  await page.mouse.move(box.x + paneWidth * a, y);
  await page.mouse.down();
  await page.mouse.move(box.x + paneWidth * ((a + b) / 2), y, { steps: 6 });
  await page.mouse.move(box.x + paneWidth * b, y, { steps: 6 });
  await page.mouse.up();
}

/** The Content-Security-Policy violations the page reported since it opened (openApp pages). */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}
