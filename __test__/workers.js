// Worker processes for the distributed-training tests: `node scripts/worker.js` (what
// `npm run worker` runs) on loopback ports, each in a process group of its own.
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const WORKER = path.join(ROOT, 'scripts', 'worker.js');

const { waitFor } = require('./helpers');

const portFree = (port) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A base port with `n` free ports above it and `n` more 100 higher (the training network's),
 * below the ephemeral range (32768+), where an outgoing connection could take a port first. */
async function freeBase(n) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = (await portFree(base + i)) && (await portFree(base + 100 + i));
    if (ok) return base;
  }
  throw new Error('no free ports');
}

/** `npm run worker -- --port PORT`: the supervising process and the one serving runs, in a
 * process group of their own (so a test can kill both, like a machine going away). */
function startWorker(port, env = {}) {
  const child = spawn(process.execPath, [WORKER, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...env },
  });
  child.log = '';
  child.stdout.on('data', (d) => (child.log += d));
  child.stderr.on('data', (d) => (child.log += d));
  return child;
}

async function startWorkers(base, n, env) {
  const workers = [];
  for (let i = 0; i < n; i++) workers.push(startWorker(base + i, env));
  for (const w of workers) await waitFor('a worker to listen', () => w.log.includes('listening on'));
  return workers;
}

const exited = (w) => w.exitCode !== null || w.signalCode !== null;

async function stopWorkers(workers) {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          if (exited(w)) return resolve();
          w.once('exit', resolve);
          process.kill(-w.pid, 'SIGTERM');
          setTimeout(() => !exited(w) && process.kill(-w.pid, 'SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

module.exports = { freeBase, startWorker, startWorkers, stopWorkers };
