#!/usr/bin/env node
'use strict';
/**
 * A distributed-training worker (docs/scale.md): waits for a coordinator — `npm run train` with a
 * `distributed:` section in its config — and runs its share of each run: imports and featurises
 * its series, builds its part of the dataset, trains together with the other workers over
 * LightGBM's network (or XGBoost's collective), evaluates its rows.
 *
 *   npm run worker -- [--port 7400 | --listen HOST:PORT] [--root DIR] [--once]
 *                     [--memory-cap-mb N] [--json]
 *
 * CANDLE_WORKER_TOKEN: a shared secret the coordinator must present (required when listening on
 * anything but loopback). Ctrl+C or SIGTERM stops the worker; a run in progress is stopped and
 * fails on every process with WORKER_FAILED.
 *
 * The runs are served by a child process (engine.runWorker) that this one restarts: LightGBM
 * aborts a process whose peer vanishes while it is sending to it (the send runs on a thread of
 * its own, where the error cannot be caught). The run is failing on every process by then; this
 * process reports it with its code and serves the next run.
 *
 * Exit status: 0 stopped (with --once: its run was published); 1 the run failed, or the worker
 * could not start (the code is printed); 2 bad usage.
 */
const path = require('node:path');
const { fork } = require('node:child_process');
const { parseArgs } = require('node:util');

const HELP = `usage: npm run worker -- [options]

  --port PORT          listen on 127.0.0.1:PORT (default 7400)
  --listen HOST:PORT   listen on HOST:PORT (e.g. 0.0.0.0:7400 for other machines; needs
                       CANDLE_WORKER_TOKEN set here and on the coordinator)
  --root DIR           where the run config's relative paths resolve (default: this folder)
  --once               serve one run, then exit (0 if it was published)
  --memory-cap-mb N    stop a run with WORKER_FAILED once this process passes N MiB resident
  --json               print the summary of the runs served as JSON on stdout at exit
  -h, --help`;

/** How long a stop may take before the process exits anyway (a run stuck in a network set-up). */
const STOP_GRACE_MS = 15_000;
/** Restarts allowed within RESTART_WINDOW_MS before the worker gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      listen: { type: 'string' },
      root: { type: 'string' },
      once: { type: 'boolean', default: false },
      'memory-cap-mb': { type: 'string' },
      json: { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length) throw new Error(`unexpected argument '${positionals[0]}'`);
  if (values.port !== undefined && values.listen !== undefined) throw new Error('give --port or --listen, not both');
  const options = { once: values.once };
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port)) throw new Error(`--port: '${values.port}' is not a port number`);
    options.listen = `127.0.0.1:${values.port}`;
  }
  if (values.listen !== undefined) options.listen = values.listen;
  if (values.root !== undefined) options.root = path.resolve(values.root);
  if (values['memory-cap-mb'] !== undefined) {
    const n = Number(values['memory-cap-mb']);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`--memory-cap-mb: '${values['memory-cap-mb']}' is not a positive integer`);
    options.memoryCapMb = n;
  }
  return { options, json: values.json, child: values.child, help: values.help };
}

function line(event) {
  const run = event.runId ? ` run ${event.runId}${event.rank != null ? ` rank ${event.rank}` : ''}` : '';
  switch (event.kind) {
    case 'stage':
      return `worker:${run}: ${event.stage}`;
    case 'run-failed':
      return `worker:${run}: failed [${event.code}] ${event.message}`;
    case 'listening':
      return `worker: ${event.message}`;
    default:
      return `worker:${run}: ${event.kind}: ${event.message}`;
  }
}

/** The serving process: engine.runWorker, its events as log lines (and to the parent). */
async function serveChild(args, log) {
  const engine = require('./lib/engine');
  const cancel = new AbortController();
  const stop = () => cancel.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the parent is gone
  const tell = (message) => process.send && process.connected && process.send(message);
  // The channel to the parent would keep this process alive: close it once the last word is out.
  const last = (message) =>
    process.connected ? new Promise((resolve) => process.send(message, () => (process.disconnect(), resolve()))) : null;
  try {
    const summary = await engine.runWorker(
      args.options,
      (event) => {
        log.write(`${line(event)}\n`);
        tell({ type: 'event', event });
      },
      cancel.signal,
    );
    await last({ type: 'summary', summary });
    return summary.stoppedBy === 'once' && !(summary.runs[0] && summary.runs[0].ok) ? 1 : 0;
  } catch (e) {
    process.stderr.write(`worker failed: [${e.code || 'ERROR'}] ${e.message}\n`);
    await last({ type: 'error', code: e.code });
    return 1;
  }
}

/** The supervising process: runs the serving child, reports and replaces a child that crashed. */
function supervise(args, argv, log) {
  return new Promise((resolve) => {
    const runs = [];
    let address = null;
    let stopping = null;
    let child = null;
    let restarts = [];
    const start = () => {
      let active = null; // the run in progress: { runId, rank }
      let summarised = false;
      child = fork(__filename, ['--child', ...argv], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m) => {
        if (m.type === 'event') {
          const e = m.event;
          if (e.kind === 'listening') address = /on (\S+)/.exec(e.message)?.[1] ?? address;
          if (e.kind === 'run-started') active = { runId: e.runId, rank: e.rank };
          if (e.kind === 'run-finished' || e.kind === 'run-failed') active = null;
        } else if (m.type === 'summary') {
          summarised = true;
          runs.push(...m.summary.runs);
          address = m.summary.address;
        }
      });
      child.on('exit', (code, signal) => {
        const crashed = !summarised && (signal !== null || (code !== 0 && code !== 1));
        if (!crashed || stopping) {
          return resolve({ code: code ?? 1, summary: { address, runs, stoppedBy: stopping ? 'cancel' : 'once' } });
        }
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        if (active) {
          const message =
            `the serving process ${how} while the run was failing (LightGBM ends a process whose peer vanished ` +
            `mid-send); nothing was published`;
          log.write(
            `${line({ kind: 'run-failed', runId: active.runId, rank: active.rank, code: 'WORKER_FAILED', message })}\n`,
          );
          runs.push({ runId: active.runId, rank: active.rank, ok: false, code: 'WORKER_FAILED', message });
        } else {
          log.write(`worker: the serving process ${how}\n`);
        }
        const now = Date.now();
        restarts = restarts.filter((t) => now - t < RESTART_WINDOW_MS);
        if (args.options.once || restarts.length >= MAX_RESTARTS) {
          return resolve({ code: 1, summary: { address, runs, stoppedBy: 'once' } });
        }
        restarts.push(now);
        log.write('worker: restarting the serving process\n');
        start();
      });
    };
    const stop = (signal) => {
      if (stopping) {
        log.write(`worker: ${signal} again: exiting now\n`);
        child.kill('SIGKILL');
        process.exit(130);
      }
      stopping = signal;
      log.write(`worker: ${signal}: stopping\n`);
      child.kill('SIGTERM');
      setTimeout(() => {
        process.stderr.write('worker: a run did not stop in time (stuck in a network set-up?): exiting\n');
        child.kill('SIGKILL');
        process.exit(1);
      }, STOP_GRACE_MS).unref();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    start();
  });
}

async function main() {
  const argv = process.argv.slice(2);
  let args;
  try {
    args = parse(argv);
  } catch (e) {
    process.stderr.write(`worker: ${e.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const log = args.json ? process.stderr : process.stdout;
  if (args.child) return serveChild(args, log);
  const { code, summary } = await supervise(args, argv, log);
  if (args.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  return code;
}

main().then((code) => {
  process.exitCode = code;
});
