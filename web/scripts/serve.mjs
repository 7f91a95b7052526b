#!/usr/bin/env node
// The one way the app is served (npm start, npm -w web run start|dev):
//   node scripts/serve.mjs start|dev [--host <interface>] [--port <n>] [--no-auth]
// Listens on 127.0.0.1 unless --host (or CANDLE_HOST) names another interface; then sign-in is
// mandatory: --no-auth (or CANDLE_AUTH=off, the single-user mode) is refused by the server on
// anything but loopback (src/server/auth/config.ts). See docs/security.md.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, ...args] = process.argv.slice(2);
if (mode !== 'start' && mode !== 'dev') {
  console.error('usage: serve.mjs start|dev [--host <interface>] [--port <n>] [--no-auth]');
  process.exit(2);
}

const env = { ...process.env };
let host = env.CANDLE_HOST || '127.0.0.1';
let port = env.PORT || '3000';
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    if (!v) {
      console.error(`serve.mjs: ${arg} needs a value`);
      process.exit(2);
    }
    return v;
  };
  if (arg === '--no-auth') env.CANDLE_AUTH = 'off';
  else if (arg === '--host' || arg.startsWith('--host=') || arg === '-H') host = value();
  else if (arg === '--port' || arg.startsWith('--port=') || arg === '-p') port = value();
  else {
    console.error(`serve.mjs: unknown option ${arg}`);
    process.exit(2);
  }
}
// The server reads the interface it listens on from here: the single-user mode is only granted
// on loopback, and the interface's own address joins the Host allow-list.
env.CANDLE_BIND_HOST = host;
// The engine addon's allocator (mimalloc) reads this when the addon loads: arenas committed as
// used, not eagerly with transparent huge pages, whose faults stall on compaction (docs/decisions.md).
env.MIMALLOC_ARENA_EAGER_COMMIT ??= '0';

const shown = host.includes(':') ? `[${host}]` : host;
console.log(`Candle Annotator: http://${shown === '127.0.0.1' ? 'localhost' : shown}:${port}`);
if (!['127.0.0.1', 'localhost', '::1'].includes(host))
  console.log(
    '  listening beyond this machine: sign-in is required; set CANDLE_PUBLIC_URL (or CANDLE_ALLOWED_HOSTS) to the name people use, and put TLS in front (docs/security.md)',
  );

const next = path.join(path.dirname(fileURLToPath(import.meta.resolve('next/package.json'))), 'dist/bin/next');
const child = spawn(process.execPath, [next, mode, '--hostname', host, '--port', port], {
  cwd: web,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1)));
