import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SMALL from '../../../__test__/fixtures/predict-small.json';
import { cspViolations, launchBrowser, openApp, screenshot, waitForChart } from './browser';
import { E2E_PASSWORD, freePort, startServer, tempDbPath, type RunningServer } from './server';

/**
 * The app as an attacker on the network or another web page sees it, against the built server:
 * security headers and the CSP (no violation while the app is used), the Host allow-list (DNS
 * rebinding), sign-in with a one-time password in Chromium, cross-site requests from real pages
 * on other origins (signed in, and in the single-user mode), and the warning the UI shows when
 * the champion model is damaged.
 */
let server: RunningServer;
let browser: Browser;
let db: { dir: string; file: string };
let registry: string;
const previousModelsDir = process.env.CANDLE_MODELS_DIR;

beforeAll(async () => {
  db = tempDbPath('security');
  registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-e2e-sec-models-'));
  process.env.CANDLE_MODELS_DIR = registry;
  server = await startServer(db.file, { demo: false });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
  fs.rmSync(registry, { recursive: true, force: true });
  if (previousModelsDir === undefined) delete process.env.CANDLE_MODELS_DIR;
  else process.env.CANDLE_MODELS_DIR = previousModelsDir;
});

/**
 * A raw HTTP request with any Host header (fetch would not send a forged one) and the answer as
 * sent (fetch would decompress it).
 */
function rawGet(
  port: number,
  pathName: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathName, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

describe('headers', () => {
  it('pages: a CSP whose nonce every script carries, no framing, nosniff, no referrer', async () => {
    const res = await fetch(`${server.url}/login`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/base-uri 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce per response.
    const again = (await fetch(`${server.url}/login`)).headers.get('content-security-policy')!;
    expect(again).not.toContain(nonce);
  });

  it('API answers: nosniff, never framed or run as a document', async () => {
    for (const p of ['/api/labels', '/api/auth/session']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), p).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
    }
  });

  it('answers go out uncompressed, even to a client that accepts gzip (the TLS proxy compresses)', async () => {
    const host = `127.0.0.1:${server.port}`;
    const gzip = { 'accept-encoding': 'gzip, deflate' };
    const answer = async (p: string) => {
      const res = await rawGet(server.port, p, host, gzip);
      expect(res.status, p).toBe(200);
      expect(res.headers['content-encoding'], p).toBeUndefined();
      return res.body;
    };
    // The page first: its scripts are read from this (uncompressed) answer.
    const page = await answer('/login');
    const scripts = [...page.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) await answer(src);
    const openapi = await answer('/api/openapi');
    // Well over the 1 KB from which a compressing server gzips an answer.
    expect(page.length).toBeGreaterThan(4096);
    expect(openapi.length).toBeGreaterThan(4096);
  });

  it('Host allow-list: a DNS-rebinding host name gets 421 on pages and the API; loopback names work', async () => {
    for (const p of ['/login', '/api/auth/session', '/api/labels']) {
      for (const host of ['evil.example.com', `evil.example.com:${server.port}`, `localhost.evil.example.com`]) {
        const res = await rawGet(server.port, p, host);
        expect(res.status, `${p} as ${host}`).toBe(421);
      }
      for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`])
        expect((await rawGet(server.port, p, host)).status, `${p} as ${host}`).not.toBe(421);
    }
  });
});

describe('signing in', () => {
  it('the sign-in page, a one-time password, then your own; signing out ends the session', async () => {
    const added = await server.fetch('/api/auth/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'e2e-newcomer', role: 'annotator' }),
    });
    const { oneTimePassword } = (await added.json()) as { oneTimePassword: string };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login\?next=%2F$/);
    await page.fill('[data-testid="login-username"]', 'e2e-newcomer');
    await page.fill('[data-testid="login-password"]', 'wrong password here');
    await page.click('[data-testid="login-submit"]');
    await expect
      .poll(() => page.locator('[data-testid="login-error"]').innerText())
      .toMatch(/Wrong user name or password/);
    await page.fill('[data-testid="login-password"]', oneTimePassword);
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="password-form"]');
    await screenshot(page, 'security-01-one-time-password');
    await page.fill('[data-testid="password-new"]', E2E_PASSWORD);
    await page.fill('[data-testid="password-repeat"]', E2E_PASSWORD);
    await page.click('[data-testid="password-submit"]');
    await page.waitForURL(`${server.url}/`);
    await page.waitForSelector('[data-testid="signed-in-user"]');
    expect(await page.locator('[data-testid="signed-in-user"]').innerText()).toContain('e2e-newcomer');
    expect(await page.locator('[data-testid="signed-in-role"]').innerText()).toBe('annotator');
    const cookie = (await context.cookies()).find((c) => c.name === 'candle_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('candle_session');
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL(/\/login/);
    expect((await context.request.get(`${server.url}/api/labels`)).status()).toBe(401);
    await context.close();
  });

  it('an admin creates an API token on the admin page; it works once, and not after revoking', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await server.signIn(context, 'e2e-admin', 'admin');
    const admin = await context.newPage();
    await admin.goto(`${server.url}/admin`);
    await admin.fill('[data-testid="new-token-name"]', 'label studio');
    await admin.click('[data-testid="create-token"]');
    const token = await admin.locator('[data-testid="new-token"]').innerText();
    expect(token).toMatch(/^cat_/);
    await screenshot(admin, 'security-02-admin-token');
    const basic = `Basic ${Buffer.from(`label-studio:${token}`).toString('base64')}`;
    expect((await fetch(`${server.url}/api/ls/health`, { headers: { authorization: basic } })).status).toBe(200);
    await admin.locator('[data-testid^="token-"] button', { hasText: 'Revoke' }).last().click();
    await expect
      .poll(async () => (await fetch(`${server.url}/api/ls/health`, { headers: { authorization: basic } })).status)
      .toBe(401);
    await context.close();
  });
});

/** Another origin's page that attacks the app with what a browser lets any page send. */
function attackerPage(target: string): string {
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="form-plain" method="POST" action="${target}/api/labels" enctype="text/plain" target="sink">
  <input name='{"name":"csrf-form-label","color":"#ff0000","x":"' value='"}'>
</form>
<form id="form-urlencoded" method="POST" action="${target}/api/training/promote" target="sink">
  <input name="version" value="v0001">
</form>
<script>
window.results = [];
const note = (what, r) => window.results.push(what + ':' + r);
async function attack() {
  const sink = document.querySelector('iframe');
  for (const id of ['form-plain', 'form-urlencoded']) {
    // The answer is refused in a frame (X-Frame-Options), so the load event may never come.
    await new Promise((resolve) => { sink.onload = resolve; setTimeout(resolve, 3000); document.getElementById(id).submit(); });
    note(id, 'submitted');
  }
  const csv = 'time,open,high,low,close,volume\\n2024-01-01,1,2,0.5,1.5,10\\n2024-01-02,1,2,0.5,1.5,10\\n';
  const attempts = [
    ['no-cors blob upload', '/api/datasets?name=csrf-upload', { method: 'POST', mode: 'no-cors', credentials: 'include', body: new Blob([csv]) }],
    ['no-cors text/plain json', '/api/labels', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'csrf-fetch-label', color: '#ff0000' }) }],
    ['cors json', '/api/labels', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'csrf-cors-label', color: '#ff0000' }) }],
    ['cors read', '/api/labels', { credentials: 'include' }],
  ];
  for (const [what, p, init] of attempts) {
    try { const r = await fetch('${target}' + p, init); note(what, r.type + ' ' + r.status); }
    catch (e) { note(what, 'blocked'); }
  }
  window.done = true;
}
attack();
</script></body></html>`;
}

async function serveAttacker(html: string): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return { port, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Opens the attacker's page (at `origin`) in a context, waits until every attack has run, and returns what the page saw. */
async function runAttack(context: BrowserContext, origin: string): Promise<string[]> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true, undefined, {
    timeout: 30_000,
  });
  const results = await page.evaluate(() => (window as unknown as { results: string[] }).results);
  await page.close();
  return results;
}

/**
 * The app's log names each write of the attacker's page as refused: proof that the forms and
 * no-cors fetches (whose answers the page cannot read) did reach the app, and were turned away.
 */
function expectWritesRefused(target: RunningServer, origin: string): void {
  const refused = [
    ...target.output().matchAll(/\[auth\] refused (POST \S+) \(CROSS_SITE_REQUEST; [^)]*origin "([^"]+)"/g),
  ]
    .filter((m) => m[2] === origin)
    .map((m) => m[1])
    .sort();
  expect(refused, origin).toEqual([
    'POST /api/datasets',
    'POST /api/labels',
    'POST /api/labels',
    'POST /api/training/promote',
  ]);
}

async function labelNames(target: RunningServer): Promise<string[]> {
  const res = await target.fetch('/api/labels');
  return ((await res.json()) as { labels: Array<{ name: string }> }).labels.map((l) => l.name);
}

async function datasetNames(target: RunningServer): Promise<string[]> {
  const res = await target.fetch('/api/datasets');
  return ((await res.json()) as { datasets: Array<{ name: string }> }).datasets.map((d) => d.name);
}

describe('cross-site requests from real pages on other origins (Chromium)', () => {
  it('a signed-in victim: forms and no-cors fetches from another port (same site) or another site change nothing', async () => {
    const attacker = await serveAttacker(attackerPage(server.url));
    const context = await browser.newContext();
    await server.signIn(context, 'e2e-victim', 'admin');
    try {
      // The victim's session works from the app's own origin: the control.
      const control = await context.request.post(`${server.url}/api/labels`, {
        data: { name: 'own-origin-label', color: '#00ff00' },
        headers: { origin: server.url },
      });
      expect(control.status()).toBe(201);
      // 127.0.0.1:<other port> is the same site (the cookie goes along); localhost is another site.
      for (const origin of [`http://127.0.0.1:${attacker.port}`, `http://localhost:${attacker.port}`]) {
        expect(await runAttack(context, origin), origin).toEqual([
          'form-plain:submitted',
          'form-urlencoded:submitted',
          'no-cors blob upload:blocked', // the answer is not readable (CORP), the request was sent
          'no-cors text/plain json:blocked',
          'cors json:blocked', // the preflight fails: the POST is never sent
          'cors read:blocked',
        ]);
        expectWritesRefused(server, origin);
      }
      const labels = await labelNames(server);
      expect(labels).toContain('own-origin-label');
      expect(labels.filter((n) => n.startsWith('csrf-'))).toEqual([]);
      expect((await datasetNames(server)).filter((n) => n.startsWith('csrf-'))).toEqual([]);
    } finally {
      await context.close();
      await attacker.close();
    }
  });

  it('the single-user mode (no sign-in, loopback): the same attacks change nothing', async () => {
    const local = tempDbPath('security-local');
    const single = await startServer(local.file, { demo: false, env: { CANDLE_AUTH: 'off' } });
    const attacker = await serveAttacker(attackerPage(single.url));
    const context = await browser.newContext();
    try {
      expect(((await (await single.fetch('/api/auth/session')).json()) as { authRequired: boolean }).authRequired).toBe(
        false,
      );
      for (const origin of [`http://127.0.0.1:${attacker.port}`, `http://localhost:${attacker.port}`]) {
        await runAttack(context, origin);
        expectWritesRefused(single, origin);
      }
      expect((await labelNames(single)).filter((n) => n.startsWith('csrf-'))).toEqual([]);
      expect((await datasetNames(single)).filter((n) => n.startsWith('csrf-'))).toEqual([]);
    } finally {
      await context.close();
      await attacker.close();
      await single.stop();
      fs.rmSync(local.dir, { recursive: true, force: true });
    }
  });

  it('the single-user mode is refused on a non-loopback interface: the server does not start', async () => {
    const local = tempDbPath('security-refused');
    try {
      await expect(
        startServer(local.file, { demo: false, env: { CANDLE_AUTH: 'off', CANDLE_HOST: '0.0.0.0' } }),
      ).rejects.toThrow(/CANDLE_AUTH=off is refused/);
    } finally {
      fs.rmSync(local.dir, { recursive: true, force: true });
    }
  });
});

describe('a damaged champion in the UI', () => {
  it('predictions come from the newest intact version, and the Model tab says so', async () => {
    const engine = await import('@candle-annotator/engine');
    const config = {
      ...SMALL,
      dataset: { ...SMALL.dataset, output_dir: path.join(registry, 'dataset') },
      registry: { root: registry, name: 'e2e-fallback' },
    };
    const repo = path.resolve(__dirname, '../../..');
    const older = (await engine.train({ config, rootDir: repo })).version;
    const newest = (await engine.train({ config, rootDir: repo })).version;
    await engine.promote(newest, registry);
    const card = JSON.parse(fs.readFileSync(path.join(registry, 'versions', newest, 'model.json'), 'utf8'));
    fs.writeFileSync(path.join(registry, 'versions', newest, card.modelFile), 'damaged on disk');

    const up = await server.fetch('/api/datasets?name=IBM&symbol=IBM&onInvalidRow=skip', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: fs.readFileSync(path.resolve(repo, 'data/samples/ibm_daily.csv')),
    });
    const datasetId = ((await up.json()) as { datasets: Array<{ id: number }> }).datasets[0].id;
    const page: Page = await openApp(browser, server, 'e2e-fallback-viewer', datasetId, 'viewer');
    await waitForChart(page);
    await page.click('[data-testid="tab-model"]');
    const warning = page.locator('[data-testid="model-fallback"]');
    await warning.waitFor({ timeout: 60_000 });
    const text = await warning.innerText();
    expect(text).toContain(`champion (${newest})`);
    expect(text).toContain(older);
    expect(text).toMatch(/CORRUPT_MODEL/);
    expect(await page.locator('[data-testid="prediction-status"]').innerText()).toMatch(new RegExp(`model ${older}`));
    await screenshot(page, 'security-03-model-fallback');
    // The whole session (workspace, chart, Model tab) ran under the CSP without a violation.
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  }, 240_000);
});
