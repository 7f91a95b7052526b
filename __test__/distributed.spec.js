// Distributed training for real: three worker processes (`node scripts/worker.js`, what
// `npm run worker` runs) listen on loopback ports; engine.train in this process is the
// coordinator. They train one model, compared with the single-process model on the same data; a
// worker killed with SIGKILL mid-fit ends the run on every process with WORKER_FAILED and
// publishes nothing, and the survivors serve the next run. Plus the runWorker contract.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const YAML = require('yaml');
const { engine, lastEvent, rejection, sleep, waitFor } = require('./helpers');
const { freeBase, startWorker, startWorkers, stopWorkers } = require('./workers');

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'pipeline-small.yaml');
const STAGES = ['load', 'features', 'labels', 'dataset', 'split', 'fit', 'evaluate', 'register'];

// Neither side may pick up a developer's tracking server or worker token.
delete process.env.MLFLOW_TRACKING_URI;
delete process.env.CANDLE_WORKER_TOKEN;

/** The small fixture on five series (AAPL, MSFT, GOOG, S&P 500 train; IBM held out), in `dir`. */
function config(dir, distributed, change = (c) => c) {
  const cfg = YAML.parse(fs.readFileSync(FIXTURE, 'utf8'));
  cfg.data.series.push(
    { path: 'data/samples/goog_daily.csv', symbol: 'GOOG', timeframe: '1d' },
    { path: 'data/samples/sp500_daily_yahoo.csv', symbol: 'SPX', timeframe: '1d' },
  );
  cfg.model.rounds = 30;
  cfg.registry.root = path.join(dir, 'models');
  cfg.dataset.output_dir = path.join(dir, 'dataset');
  if (distributed) cfg.distributed = { heartbeat_timeout_s: 20, ...distributed };
  return change(cfg) || cfg;
}

/** Three fresh worker processes for the enclosing `describe`, stopped after its tests. */
function threeWorkers(prefix) {
  const cluster = { tmp: '', base: 0, workers: [] };
  beforeAll(async () => {
    cluster.tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    cluster.base = await freeBase(3);
    cluster.workers = await startWorkers(cluster.base, 3);
  }, 60_000);
  afterAll(async () => {
    await stopWorkers(cluster.workers);
    fs.rmSync(cluster.tmp, { recursive: true, force: true });
  });
  return cluster;
}

const versions = (registry) => {
  const dir = path.join(registry, 'versions');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

describe('three worker processes on loopback', () => {
  const cluster = threeWorkers('candle-dist-');
  let tmp, base, workers;
  beforeAll(() => ({ tmp, base, workers } = cluster)); // after the cluster's own beforeAll

  test('train one model together, near the single-process model on the same data', async () => {
    const single = await engine.train({ config: config(path.join(tmp, 'single')), rootDir: ROOT });
    const events = [];
    const cfg = config(path.join(tmp, 'dist'), { workers: 3, port_base: base });
    const dist = await engine.train({ config: cfg, rootDir: ROOT }, (p) => events.push({ ...p }));
    await lastEvent(events, { stage: 'register', fraction: 1 });

    // The same stages, in the same order, as one process.
    const stages = events.map((e) => e.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(stages).toEqual(STAGES);
    expect(events[events.length - 1]).toEqual({ stage: 'register', fraction: 1 });

    // Shared out by series, every series on one worker.
    const d = dist.distributed;
    expect(d.library).toBe('lightgbm');
    expect(d.treeLearner).toBe('data');
    expect(d.workers.map((w) => w.address)).toEqual([0, 1, 2].map((i) => `127.0.0.1:${base + i}`));
    expect(new Set(d.workers.map((w) => w.pid)).size).toBe(3);
    expect(d.workers.flatMap((w) => w.series).sort()).toEqual(['AAPL', 'GOOG', 'IBM', 'MSFT', 'SPX']);
    for (const w of d.workers) {
      expect(w.rows.train).toBeGreaterThan(0);
      expect(w.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    }

    // The same rows, split, labels and class weights; a near model.
    expect(dist.rows).toEqual(single.rows);
    expect(dist.labels).toEqual(single.labels);
    expect(dist.balance).toEqual(single.balance);
    const m = dist.metrics;
    const s = single.metrics;
    console.log(
      [
        'metric                 3 workers   1 process',
        ...['validationMacroF1', 'validationSpanF1', 'testMacroF1', 'testSpanF1', 'testBaselineMacroF1'].map(
          (k) => `${k.padEnd(22)} ${m[k].toFixed(4).padStart(9)} ${s[k].toFixed(4).padStart(11)}`,
        ),
        `rounds                 ${String(dist.rounds).padStart(9)} ${String(single.rounds).padStart(11)}`,
      ].join('\n'),
    );
    for (const k of ['validationMacroF1', 'validationSpanF1', 'testMacroF1', 'testSpanF1'])
      expect(Math.abs(m[k] - s[k])).toBeLessThan(0.05);
    expect(m.testBaselineMacroF1).toBeCloseTo(s.testBaselineMacroF1, 10);
    expect(m.testMacroF1).toBeGreaterThan(m.testBaselineMacroF1 + 0.3);

    // One version, published by the coordinator; each worker wrote its part of the dataset.
    expect(dist.version).toBe('v0001');
    expect(versions(cfg.registry.root)).toEqual(['v0001']);
    const model = await engine.modelInfo('v0001', cfg.registry.root);
    expect(model.version).toBe('v0001');
    expect(model.labels).toEqual(Object.keys(single.labels.spansPerLabel).sort());
    const manifest = JSON.parse(fs.readFileSync(dist.paths.datasetManifest, 'utf8'));
    expect(manifest.shards).toHaveLength(3);
    expect(manifest.dataHash).toBe(dist.dataHash);
    for (const shard of manifest.shards) expect(fs.existsSync(path.join(shard.dir, 'dataset.csv'))).toBe(true);
    for (const w of workers) await waitFor('the workers to log the run', () => w.log.includes('published as v0001'));
  }, 180_000);

  test('a worker killed mid-fit: WORKER_FAILED on every process, nothing published, survivors serve on', async () => {
    const dir = path.join(tmp, 'killed');
    const slow = (c) => {
      c.model.rounds = 100_000;
      c.model.learning_rate = 0.001;
    };
    const cfg = config(dir, { workers: 3, port_base: base }, slow);
    let killed = false;
    const err = await rejection(
      engine.train({ config: cfg, rootDir: ROOT }, (p) => {
        // A few rounds into the fit.
        if (!killed && p.stage === 'fit' && p.fraction > 0.33) {
          killed = true;
          process.kill(-workers[1].pid, 'SIGKILL');
        }
      }),
    );
    if (!killed) throw err; // the run ended before the fit: show why
    expect(err.code).toBe('WORKER_FAILED');
    expect(err.message).toMatch(/worker 1 \(127\.0\.0\.1:\d+\)/);
    expect(versions(cfg.registry.root)).toEqual([]);
    const staging = path.join(cfg.registry.root, '.staging');
    expect(fs.existsSync(staging) ? fs.readdirSync(staging) : []).toEqual([]);

    // The survivors ended the run with the code, and still run.
    for (const i of [0, 2]) {
      await waitFor(`worker ${i} to end the run`, () => /failed \[WORKER_FAILED\]/.test(workers[i].log), 30_000);
      expect(workers[i].exitCode).toBeNull();
    }

    // A new worker 1, and the next run is published.
    workers[1] = startWorker(base + 1);
    await waitFor('worker 1 to listen again', () => workers[1].log.includes('listening on'));
    const again = await engine.train({
      config: config(path.join(tmp, 'after'), { workers: 3, port_base: base }),
      rootDir: ROOT,
    });
    expect(again.version).toBe('v0001');
  }, 240_000);
});

// Fresh workers: the processes above may still be leaving their last run.
describe('three XGBoost worker processes on loopback', () => {
  const cluster = threeWorkers('candle-dist-xgb-');
  let tmp, base, workers;
  beforeAll(() => ({ tmp, base, workers } = cluster)); // after the cluster's own beforeAll

  test('an XGBoost worker killed mid-fit: WORKER_FAILED at once, nothing published, the workers serve again', async () => {
    const dir = path.join(tmp, 'killed-xgboost');
    // A one-minute network time-out: a survivor stuck in XGBoost's collective (see
    // docs/scale.md, "When a worker dies") ends its serving process a minute after that, and
    // worker.js starts a fresh one.
    const xgboost = (rounds, lr) => (c) => {
      c.model = { type: 'xgboost', rounds, learning_rate: lr, max_depth: 4, threads: 1 };
    };
    const cfg = config(dir, { workers: 3, port_base: base, network_timeout_min: 1 }, xgboost(100_000, 0.001));
    let killedAt = 0;
    const err = await rejection(
      engine.train({ config: cfg, rootDir: ROOT }, (p) => {
        if (!killedAt && p.stage === 'fit' && p.fraction > 0.33) {
          killedAt = Date.now();
          process.kill(-workers[1].pid, 'SIGKILL');
        }
      }),
    );
    if (!killedAt) throw err; // the run ended before the fit: show why
    expect(err.code).toBe('WORKER_FAILED');
    expect(err.message).toMatch(/worker \d \(127\.0\.0\.1:\d+\)/);
    // The coordinator never waits on XGBoost's tracker or the survivors to report the failure.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(versions(cfg.registry.root)).toEqual([]);

    // Each survivor ends the run, or is replaced once it is stuck past the network time-out.
    for (const i of [0, 2]) {
      await waitFor(
        `worker ${i} to end the run`,
        () => /failed \[WORKER_FAILED\]|restarting the serving process/.test(workers[i].log),
        150_000,
      );
      if (workers[i].log.includes('restarting the serving process'))
        await waitFor(`worker ${i}'s fresh serving process`, () => workers[i].log.split('listening on').length > 2);
    }
    workers[1] = startWorker(base + 1);
    await waitFor('worker 1 to listen again', () => workers[1].log.includes('listening on'));
    const again = await engine.train({
      config: config(path.join(tmp, 'after-xgboost'), { workers: 3, port_base: base }, xgboost(20, 0.3)),
      rootDir: ROOT,
    });
    expect(again.version).toBe('v0001');
  }, 300_000);
});

describe('runWorker and the distributed section: the contract', () => {
  test('a worker listens until cancelled; a port probe is not a run', async () => {
    const events = [];
    const cancel = new engine.CancelToken();
    const running = engine.runWorker({ listen: '127.0.0.1:0' }, (e) => events.push(e), cancel);
    await waitFor('listening', () => events.some((e) => e.kind === 'listening'));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(events[0].message)[1]);
    await new Promise((resolve) =>
      net.connect(port, '127.0.0.1', function () {
        this.end();
        resolve();
      }),
    );
    await sleep(200);
    cancel.cancel();
    const summary = await running;
    expect(summary).toEqual({ address: `127.0.0.1:${port}`, runs: [], stoppedBy: 'cancel' });
  });

  test('bad worker options are coded errors', async () => {
    expect((await rejection(engine.runWorker({ listen: '127.0.0.1:0', speed: 'fast' }))).code).toBe('INVALID_CONFIG');
    expect((await rejection(engine.runWorker({ listen: 'nohost' }))).code).toBe('INVALID_ARGUMENT');
    const open = await rejection(engine.runWorker({ listen: '0.0.0.0:0' }));
    expect(open.code).toBe('INVALID_ARGUMENT');
    expect(open.message).toContain('CANDLE_WORKER_TOKEN');
    // Arguments of the wrong type name the argument (the addon's contract, docs/engine-api.md).
    for (const [args, name] of [
      [['127.0.0.1:0'], 'options'],
      [[[1, 2]], 'options'],
      [[{ listen: '127.0.0.1:0' }, 'log'], 'onEvent'],
      [[{ listen: '127.0.0.1:0' }, undefined, {}], 'cancel'],
    ]) {
      const e = await rejection(engine.runWorker(...args));
      expect({ code: e.code, named: e.message.includes(name) }).toEqual({ code: 'INVALID_ARGUMENT', named: true });
    }
  });

  test('a worker with a token refuses a coordinator without it', async () => {
    const events = [];
    const cancel = new engine.CancelToken();
    const running = engine.runWorker({ listen: '127.0.0.1:0', token: 's3cret' }, (e) => events.push(e), cancel);
    await waitFor('listening', () => events.some((e) => e.kind === 'listening'));
    const address = /(127\.0\.0\.1:\d+)/.exec(events[0].message)[1];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-dist-token-'));
    try {
      const err = await rejection(engine.train({ config: config(tmp, { workers: [address] }), rootDir: ROOT }));
      expect(err.code).toBe('WORKER_FAILED');
      expect(err.message).toContain('WORKER_TOKEN');
      await waitFor('the refusal event', () => events.some((e) => e.kind === 'refused'));
    } finally {
      cancel.cancel();
      await running;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('a busy worker refuses another coordinator with WORKER_BUSY, and its run goes on', async () => {
    const events = [];
    const cancel = new engine.CancelToken();
    const running = engine.runWorker({ listen: '127.0.0.1:0' }, (e) => events.push(e), cancel);
    await waitFor('listening', () => events.some((e) => e.kind === 'listening'));
    const address = /(127\.0\.0\.1:\d+)/.exec(events[0].message)[1];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-dist-busy-'));
    const first = new AbortController();
    try {
      // Far more rounds than the test lasts: the run is still fitting when it is aborted.
      const long = (c) => ((c.model.rounds = 20_000), c);
      const firstRun = engine
        .train(
          { config: config(path.join(tmp, 'first'), { workers: [address] }, long), rootDir: ROOT },
          undefined,
          first.signal,
        )
        .catch((e) => e);
      await waitFor('the first run to start', () => events.some((e) => e.kind === 'run-started'));
      // The worker used to welcome a run before finding it busy: the refusal then raced the
      // coordinator's next message, and 14 of 20 tries failed with "Broken pipe" instead.
      for (let i = 0; i < 5; i++) {
        const err = await rejection(
          engine.train({ config: config(path.join(tmp, `second${i}`), { workers: [address] }), rootDir: ROOT }),
        );
        expect({ code: err.code, busy: err.message.includes('[WORKER_BUSY]') }).toEqual({
          code: 'WORKER_FAILED',
          busy: true,
        });
      }
      // The worker's events reach JS on their own queue: the last refusal's can come after the
      // coordinator's error.
      await waitFor('five refusals', () => events.filter((e) => e.kind === 'refused').length >= 5);
      expect(events.filter((e) => e.kind === 'refused')).toHaveLength(5);
      first.abort();
      expect((await firstRun).code).toBe('CANCELLED');
    } finally {
      first.abort();
      cancel.cancel();
      await running;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('an unreachable worker and a bad section are coded errors, before anything is written', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-dist-bad-'));
    try {
      const port = await freeBase(1);
      const unreachable = await rejection(
        engine.train({ config: config(tmp, { workers: [`127.0.0.1:${port}`], connect_timeout_s: 2 }), rootDir: ROOT }),
      );
      expect(unreachable.code).toBe('WORKER_FAILED');
      expect(unreachable.message).toContain(`cannot reach worker 0 at 127.0.0.1:${port}`);
      const tooMany = await rejection(engine.train({ config: config(tmp, { workers: 9 }), rootDir: ROOT }));
      expect(tooMany.code).toBe('INVALID_CONFIG');
      expect(tooMany.message).toContain('9 workers but data.series lists 5');
      const unknown = await rejection(engine.train({ config: config(tmp, { workers: 2, speed: 1 }), rootDir: ROOT }));
      expect(unknown.code).toBe('INVALID_CONFIG');
      expect(versions(path.join(tmp, 'models'))).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
