import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const WEB_DIR = path.resolve(__dirname, '../..');
export const SAMPLES_DIR = path.resolve(WEB_DIR, '../data/samples');
export const RESULTS_DIR = path.join(WEB_DIR, 'test-results');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDbPath(tag: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `candle-e2e-${tag}-`));
  return { dir, file: path.join(dir, 'candle.db') };
}

export interface RunningServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  /** Graceful stop (SIGTERM to the process group). */
  stop: () => Promise<void>;
  /** kill -9 of the whole process group: no shutdown code runs. */
  crash: () => Promise<void>;
}

/** Starts the BUILT app (`next start`) on a free port with the given database; resolves when it answers. */
export async function startServer(dbFile: string, options: { port?: number; demo?: boolean } = {}): Promise<RunningServer> {
  if (!fs.existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID'))) throw new Error('No build in web/.next: run `npm -w web run build` (test:e2e does it).');
  const port = options.port ?? (await freePort());
  const nextBin = require.resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: WEB_DIR,
    env: { ...process.env, CANDLE_DB_PATH: dbFile, CANDLE_SAMPLES_DIR: SAMPLES_DIR, CANDLE_DEMO_DATA: options.demo === false ? '0' : '1', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/datasets`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`next start did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const signalGroup = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
    await exited;
  };
  return { url, port, process: child, output: () => log, stop: () => signalGroup('SIGTERM'), crash: () => signalGroup('SIGKILL') };
}
