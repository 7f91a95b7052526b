// The training contract: engine.train on the real samples with a small, fast config
// (__test__/fixtures/pipeline-small.yaml), each run in a temporary registry; the CLI
// (scripts/train.js, scripts/promote.js) as child processes; MLflow tracking against a real
// local server (scripts/mlflow-server.sh).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const YAML = require('yaml');
const { engine, lastEvent, rejection } = require('./helpers');

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'pipeline-small.yaml');
const STAGES = ['load', 'features', 'labels', 'dataset', 'split', 'fit', 'evaluate', 'register'];
const VENV_BIN = path.join(ROOT, '.venv', 'bin');

/** The fixture config with its registry and dataset folder moved into `dir`, plus changes. */
function smallConfig(dir, change = (c) => c) {
  const cfg = YAML.parse(fs.readFileSync(FIXTURE, 'utf8'));
  cfg.registry.root = path.join(dir, 'models');
  cfg.dataset.output_dir = path.join(dir, 'dataset');
  return change(cfg) || cfg;
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function versions(registry) {
  const dir = path.join(registry, 'versions');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

function staging(registry) {
  const dir = path.join(registry, '.staging');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('engine.train on the real samples', () => {
  let tmp;
  let registry;
  let events;
  let outcome;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-train-'));
    registry = path.join(tmp, 'models');
    events = [];
    outcome = await engine.train({ config: smallConfig(tmp), rootDir: ROOT }, (p) => events.push({ ...p }));
    await lastEvent(events, { stage: 'register', fraction: 1 });
  }, 120_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('progress: every stage in order, overall fraction rising from 0 to 1', () => {
    const stages = events.map((e) => e.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(stages).toEqual(STAGES);
    expect(events[0]).toEqual({ stage: 'load', fraction: 0 });
    expect(events[events.length - 1]).toEqual({ stage: 'register', fraction: 1 });
    for (let i = 1; i < events.length; i++) expect(events[i].fraction).toBeGreaterThanOrEqual(events[i - 1].fraction);
    for (const e of events) {
      expect(e.fraction).toBeGreaterThanOrEqual(0);
      expect(e.fraction).toBeLessThanOrEqual(1);
    }
    // fit reports after every boosting round
    expect(events.filter((e) => e.stage === 'fit').length).toBeGreaterThanOrEqual(outcome.rounds);
  });

  test('the outcome: version, metrics, rows, paths, hashes', () => {
    expect(outcome.version).toBe('v0001');
    expect(outcome.modelType).toBe('lightgbm');
    expect(outcome.rounds).toBe(12);
    const m = outcome.metrics;
    for (const k of [
      'validationMacroF1',
      'validationSpanF1',
      'testMacroF1',
      'testSpanF1',
      'testBaselineMacroF1',
      'validationPatternF1',
      'validationBalancedAccuracy',
      'testPatternF1',
      'testBalancedAccuracy',
      'testExactBoundaryShare',
    ]) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    // The headline: per-pattern macro-F1 at each pattern's last candle (background excluded).
    expect(m.testPatternF1).toBeGreaterThan(0.3);
    // Learnt something: far above always predicting the most frequent class (IBM held out).
    expect(m.testMacroF1).toBeGreaterThan(m.testBaselineMacroF1 + 0.3);
    expect(m.validationSpanF1).toBeGreaterThan(0.4);
    expect(outcome.championMoved).toBe(true);
    expect(outcome.champion).toBe('v0001');
    expect(outcome.previousChampion).toBeNull();
    // In-process runs see the real environment (Jest's process.env is a copy): a developer's
    // MLFLOW_TRACKING_URI would log them. CI has none; the MLflow tests below set their own.
    if (!process.env.MLFLOW_TRACKING_URI) {
      expect(outcome.mlflowRunId).toBeNull();
      expect(outcome.trackingError).toBeNull();
    }
    expect(outcome.rows.train).toBeGreaterThan(4000);
    expect(outcome.rows.trainBalanced).toBe(outcome.rows.train); // class_weights keeps the rows
    expect(outcome.rows.validation).toBeGreaterThan(800);
    expect(outcome.rows.test).toBeGreaterThan(3000); // IBM, wholly
    expect(outcome.rows.purged).toBeGreaterThan(0);
    expect(outcome.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(outcome.labels.spansPerLabel).toEqual({
      doji: expect.any(Number),
      engulfing: expect.any(Number),
      hammer: expect.any(Number),
      harami: expect.any(Number),
    });
    expect(outcome.balance.mode).toBe('class_weights');

    const p = outcome.paths;
    expect(p.registryRoot).toBe(registry);
    expect(p.versionDir).toBe(path.join(registry, 'versions', 'v0001'));
    expect(p.modelFile).toBe(path.join(p.versionDir, 'model.lgb.txt'));
    expect(p.plots.map((f) => path.basename(f)).sort()).toEqual([
      'confusion_test.svg',
      'confusion_validation.svg',
      'pr_curves_test.svg',
      'pr_curves_validation.svg',
    ]);
    for (const f of [p.modelFile, p.metricsFile, ...p.plots, p.datasetCsv, p.datasetManifest])
      expect(fs.existsSync(f)).toBe(true);
    // dataHash is the SHA-256 of dataset.csv, which lists every candle's split.
    expect(outcome.dataHash).toBe(sha256(p.datasetCsv));
    const manifest = JSON.parse(fs.readFileSync(p.datasetManifest, 'utf8'));
    expect(manifest.series.map((s) => s.id ?? s.symbol)).toEqual(['AAPL', 'MSFT', 'IBM']);
    const splits = fs
      .readFileSync(p.datasetCsv, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[3]);
    expect(splits.filter((s) => s === 'train').length).toBe(outcome.rows.train);
    expect(splits.filter((s) => s === 'validation').length).toBe(outcome.rows.validation);
    expect(splits.filter((s) => s === 'test').length).toBe(outcome.rows.test);
  });

  test('listModels and modelInfo see the version, with per-class metrics', async () => {
    const list = await engine.listModels(registry);
    expect(list.map((v) => v.version)).toEqual(['v0001']);
    expect(list[0].aliases).toContain('champion');
    expect(list[0].summary.validationMacroF1).toBeCloseTo(outcome.metrics.validationMacroF1, 12);

    const info = await engine.modelInfo('champion', registry);
    expect(info.version).toBe('v0001');
    expect(info.name).toBe('candle-patterns-test');
    expect(info.type).toBe('lightgbm');
    expect(info.labels).toEqual(['doji', 'engulfing', 'hammer', 'harami']);
    expect(info.classNames[0]).toBe('O');
    expect(info.dataHash).toBe(outcome.dataHash);
    expect(info.configHash).toBe(outcome.configHash);
    expect(info.summary.testPatternF1).toBeCloseTo(outcome.metrics.testPatternF1, 12);
    for (const split of ['validation', 'test']) {
      const h = info.metrics[split].headline;
      expect(h.patternMacroF1).toBeCloseTo(outcome.metrics[`${split}PatternF1`], 12);
      expect(Object.keys(h.perPattern).sort()).toEqual(info.labels);
      expect(h.boundaries.matched).toBeGreaterThan(0);
      const classes = info.metrics[split].classes;
      expect(classes.map((c) => c.label)).toEqual(info.classNames);
      for (const c of classes) {
        for (const k of ['precision', 'recall', 'f1']) {
          expect(c[k]).toBeGreaterThanOrEqual(0);
          expect(c[k]).toBeLessThanOrEqual(1);
        }
        expect(c.support).toBeGreaterThanOrEqual(0);
      }
      expect(info.metrics[split].macroF1).toBeCloseTo(
        split === 'test' ? outcome.metrics.testMacroF1 : outcome.metrics.validationMacroF1,
        12,
      );
    }
  });

  test('champion moves only on a better validation macro-F1; promote moves it explicitly', async () => {
    // A deliberately weak second model (2 rounds, tiny learning rate): registered, not champion.
    const weak = await engine.train({
      config: smallConfig(tmp, (c) => {
        c.model.rounds = 2;
        c.model.learning_rate = 0.01;
      }),
      rootDir: ROOT,
    });
    expect(weak.version).toBe('v0002');
    expect(weak.metrics.validationMacroF1).toBeLessThan(outcome.metrics.validationMacroF1);
    expect(weak.championMoved).toBe(false);
    expect(weak.champion).toBe('v0001');

    const promoted = await engine.promote('v0002', registry);
    expect(promoted.version).toBe('v0002');
    expect(promoted.aliases).toContain('champion');
    expect((await engine.modelInfo('champion', registry)).version).toBe('v0002');
    const list = await engine.listModels(registry);
    expect(list.find((v) => v.version === 'v0001').aliases).not.toContain('champion');

    // A better run than the current champion (v0002) moves it back automatically.
    const better = await engine.train({ config: smallConfig(tmp), rootDir: ROOT });
    expect(better.version).toBe('v0003');
    expect(better.championMoved).toBe(true);
    expect(better.previousChampion).toBe('v0002');
    expect(better.champion).toBe('v0003');

    expect((await rejection(engine.promote('v0042', registry))).code).toBe('MODEL_NOT_FOUND');
  }, 60_000);

  test('a CancelToken cancelled from the progress callback: CANCELLED, nothing published', async () => {
    const before = versions(registry);
    const token = new engine.CancelToken();
    const seen = [];
    const err = await rejection(
      engine.train(
        {
          config: smallConfig(tmp, (c) => {
            c.model.rounds = 400;
          }),
          rootDir: ROOT,
        },
        (p) => {
          seen.push(p.stage);
          if (p.stage === 'fit' && !token.cancelled) token.cancel();
        },
        token,
      ),
    );
    expect(err.code).toBe('CANCELLED');
    expect(token.cancelled).toBe(true);
    expect(seen).toContain('fit');
    expect(seen).not.toContain('register');
    expect(versions(registry)).toEqual(before);
    expect(staging(registry)).toEqual([]);
  }, 60_000);

  test('a token cancelled before the call stops at the first check', async () => {
    const token = new engine.CancelToken();
    token.cancel();
    const empty = fs.mkdtempSync(path.join(tmp, 'reg-'));
    const err = await rejection(engine.train({ config: smallConfig(empty), rootDir: ROOT }, undefined, token));
    expect(err.code).toBe('CANCELLED');
    expect(versions(path.join(empty, 'models'))).toEqual([]);
  });

  test('an AbortSignal aborted from the progress callback: CANCELLED, nothing published', async () => {
    const before = versions(registry);
    const controller = new AbortController();
    const seen = [];
    const err = await rejection(
      engine.train(
        {
          config: smallConfig(tmp, (c) => {
            c.model.rounds = 400;
          }),
          rootDir: ROOT,
        },
        (p) => {
          seen.push(p.stage);
          if (p.stage === 'fit') controller.abort();
        },
        controller.signal,
      ),
    );
    expect(err.code).toBe('CANCELLED');
    expect(seen).toContain('fit');
    expect(seen).not.toContain('register');
    expect(versions(registry)).toEqual(before);
    expect(staging(registry)).toEqual([]);
  }, 60_000);

  test('an already-aborted AbortSignal stops at the first check; a look-alike is INVALID_ARGUMENT', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'reg-'));
    const err = await rejection(
      engine.train({ config: smallConfig(empty), rootDir: ROOT }, undefined, AbortSignal.abort()),
    );
    expect(err.code).toBe('CANCELLED');
    expect(versions(path.join(empty, 'models'))).toEqual([]);
    for (const bad of [{}, { aborted: 'no', addEventListener() {} }, { aborted: false }, 42]) {
      const e = await rejection(engine.train({ config: smallConfig(empty), rootDir: ROOT }, undefined, bad));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('AbortSignal');
    }
  });

  test('an unknown key, anywhere: INVALID_CONFIG naming it', async () => {
    let err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.model.bogus_key = 1;
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('bogus_key');
    err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.splitt = {};
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('splitt');
    err = await rejection(engine.train({ config: smallConfig(tmp), rootDir: ROOT, extra: 1 }));
    expect(err.code).toBe('INVALID_CONFIG');
  });

  test('a bad value or a key the model type does not use: INVALID_CONFIG naming the key', async () => {
    let err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.model.type = 'random_forest';
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toContain('model.learning_rate does not apply to model type random_forest');
    err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.split.validation = 0.5;
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.message).toMatch(/split/);
  });

  test('no annotations and no TA-Lib labels: INVALID_ANNOTATIONS', async () => {
    const err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.labels = { annotations: [] };
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_ANNOTATIONS');
  });

  test('a label with fewer spans than min_examples: INVALID_ANNOTATIONS naming the label', async () => {
    const spans = path.join(tmp, 'spans.json');
    fs.writeFileSync(
      spans,
      JSON.stringify([
        { symbol: 'AAPL', start: '2005-03-01', end: '2005-03-02', label: 'rare_thing', source: 'human' },
      ]),
    );
    const err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.labels.annotations = [spans];
        }),
        rootDir: ROOT,
      }),
    );
    expect(err.code).toBe('INVALID_ANNOTATIONS');
    expect(err.message).toContain('rare_thing');
    expect(versions(registry)).toEqual(['v0001', 'v0002', 'v0003']);
  });

  test('a data file that does not exist: IO_ERROR or IMPORT_FAILED, before any fit', async () => {
    const err = await rejection(
      engine.train({
        config: smallConfig(tmp, (c) => {
          c.data.series[0].path = 'data/samples/nope.csv';
        }),
        rootDir: ROOT,
      }),
    );
    expect(['IO_ERROR', 'IMPORT_FAILED']).toContain(err.code);
  });
});

/** Runs a script with node; resolves { code, signal, stdout, stderr }. `onStdout` sees each chunk. */
function runNode(args, { env = {}, onStdout } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (onStdout) onStdout(stdout, child);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('CLI: npm run train / npm run promote', () => {
  let tmp;
  let configFile;
  let registry;
  const noTracking = { MLFLOW_TRACKING_URI: '' };
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-cli-'));
    // A config file in <tmp>/config/: its relative paths (registry, dataset) resolve against <tmp>;
    // the data paths are made absolute.
    const cfg = YAML.parse(fs.readFileSync(FIXTURE, 'utf8'));
    for (const s of cfg.data.series) s.path = path.join(ROOT, s.path);
    fs.mkdirSync(path.join(tmp, 'config'));
    configFile = path.join(tmp, 'config', 'pipeline.yaml');
    fs.writeFileSync(configFile, YAML.stringify(cfg));
    registry = path.join(tmp, 'models');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('package.json wires the scripts', () => {
    const { scripts } = require('../package.json');
    expect(scripts.train).toBe('node scripts/train.js');
    expect(scripts.promote).toBe('node scripts/promote.js');
  });

  test('trains with plain progress lines (no TTY) and prints the summary table', async () => {
    const outcomeFile = path.join(tmp, 'outcome.json');
    const r = await runNode(['scripts/train.js', '--config', configFile, '--outcome', outcomeFile], {
      env: noTracking,
    });
    expect(r.stderr).not.toMatch(/failed|error/i);
    expect(r.code).toBe(0);
    for (const stage of STAGES) expect(r.stdout).toMatch(new RegExp(`^train: +\\d+% ${stage} \\(`, 'm'));
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).toContain('Training finished');
    expect(r.stdout).toMatch(/version\s+v0001\s/);
    expect(r.stdout).toMatch(/model type\s+lightgbm, 12 rounds/);
    expect(r.stdout).toMatch(/macro-F1\s+0\.\d{3}\s+0\.\d{3}/);
    expect(r.stdout).toMatch(/span-F1\s+0\.\d{3}\s+0\.\d{3}/);
    expect(r.stdout).toMatch(/baseline macro-F1\s+0\.\d{3}/);
    expect(r.stdout).toMatch(/champion\s+v0001 ← moved \(first champion\)/);
    expect(r.stdout).toMatch(/MLflow\s+off \(MLFLOW_TRACKING_URI not set\)/);
    expect(r.stdout).toContain(path.join('versions', 'v0001', 'model.lgb.txt'));
    const outcome = JSON.parse(fs.readFileSync(outcomeFile, 'utf8'));
    expect(outcome.version).toBe('v0001');
    expect(outcome.paths.registryRoot).toBe(registry);
  }, 60_000);

  test('--model switches the model type, dropping the keys it does not use; --json prints the outcome', async () => {
    const r = await runNode(
      ['scripts/train.js', '--config', configFile, '--model', 'xgboost', '--set', 'model.max_depth=4', '--json'],
      { env: noTracking },
    );
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome.modelType).toBe('xgboost');
    expect(outcome.version).toBe('v0002');
    expect(path.basename(outcome.paths.modelFile)).toBe('model.xgb.json');
    expect(r.stderr).toContain('dropped model.num_leaves, model.min_samples_leaf (not used by xgboost)');
    expect(r.stderr).toContain('Training finished');
    const card = JSON.parse(fs.readFileSync(path.join(outcome.paths.versionDir, 'model.json'), 'utf8'));
    expect(JSON.stringify(card.params)).toContain('"max_depth":4');
  }, 60_000);

  test("--model's key table is the engine's: every family, window included, keeps exactly the keys the engine accepts", async () => {
    const { applyOverrides } = require('../scripts/lib/config');
    const tables = engine.modelConfigKeys();
    expect(Object.keys(tables)).toEqual(['lightgbm', 'xgboost', 'random_forest', 'window']);
    const model = {
      type: 'lightgbm',
      rounds: 3,
      num_leaves: 7,
      min_child_weight: 1,
      context: 32,
      refit: true,
      learning_rate: 0.2,
      threads: 1,
    };
    for (const type of Object.keys(tables)) {
      const { config } = applyOverrides({ model }, { model: type });
      expect(Object.keys(config.model).sort()).toEqual(
        Object.keys(model)
          .filter((k) => tables[type].includes(k))
          .sort(),
      );
      expect(config.model.type).toBe(type);
    }
    // What the table keeps, the engine takes: a window-model run from a lightgbm config.
    const own = fs.mkdtempSync(path.join(tmp, 'window-'));
    const { config } = applyOverrides(YAML.parse(fs.readFileSync(configFile, 'utf8')), {
      model: 'window',
      sets: ['model.rounds=3', 'model.context=16'],
    });
    const outcome = await engine.train({ config, rootDir: own });
    expect(outcome.modelType).toBe('window');
    expect(outcome.paths.registryRoot.startsWith(own)).toBe(true);
  }, 120_000);

  test('a config error exits 1 with the code and message; bad usage exits 2', async () => {
    let r = await runNode(['scripts/train.js', '--config', configFile, '--set', 'model.bogus_key=1'], {
      env: noTracking,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/train failed: \[INVALID_CONFIG\] .*bogus_key/);
    r = await runNode(['scripts/train.js', '--config', path.join(tmp, 'missing.yaml')], { env: noTracking });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[IO_ERROR]');
    r = await runNode(['scripts/train.js', '--config', configFile, '--model', 'svm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--model must be one of lightgbm, xgboost, random_forest');
    r = await runNode(['scripts/train.js', '--no-such-flag']);
    expect(r.code).toBe(2);
  }, 60_000);

  test('SIGINT (Ctrl+C) during fit cancels: exit 130, no version published', async () => {
    const before = versions(registry);
    let sent = false;
    const r = await runNode(['scripts/train.js', '--config', configFile, '--set', 'model.rounds=5000'], {
      env: noTracking,
      onStdout: (out, child) => {
        if (!sent && /% fit \(/.test(out)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('SIGINT: cancelling');
    expect(r.stderr).toContain('train: cancelled (SIGINT); no version was published');
    expect(r.stdout).not.toContain('Training finished');
    expect(versions(registry)).toEqual(before);
    expect(staging(registry)).toEqual([]);
  }, 60_000);

  test('promote moves the champion; an unknown version exits 1 with MODEL_NOT_FOUND', async () => {
    let r = await runNode(['scripts/promote.js', 'v0002', '--registry', registry]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/champion: v0001 → v0002 \(xgboost/);
    expect((await engine.modelInfo('champion', registry)).version).toBe('v0002');
    r = await runNode(['scripts/promote.js', '1', '--registry', registry]);
    expect(r.code).toBe(0);
    expect((await engine.modelInfo('champion', registry)).version).toBe('v0001');
    r = await runNode(['scripts/promote.js', 'v0099', '--registry', registry]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('promote failed: [MODEL_NOT_FOUND]');
    r = await runNode(['scripts/promote.js']);
    expect(r.code).toBe(2);
  }, 60_000);
});

const HAVE_MLFLOW = fs.existsSync(path.join(VENV_BIN, 'mlflow'));
if (!HAVE_MLFLOW) {
  // Loud, not silent: setup.sh creates the venv, so CI always runs these.
  console.warn(`SKIPPING the MLflow training tests: ${path.join(VENV_BIN, 'mlflow')} not found (run scripts/setup.sh)`);
}

(HAVE_MLFLOW ? describe : describe.skip)('MLflow tracking of a training run (real server)', () => {
  // Jest gives each test file its own copy of process.env, which the addon never sees: the runs
  // that need MLFLOW_TRACKING_URI go through the CLI in a child process.
  let tmp;
  let server;
  let url;
  let configFile;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-mlflow-'));
    server = path.join(tmp, 'server');
    const cfg = YAML.parse(fs.readFileSync(FIXTURE, 'utf8'));
    for (const s of cfg.data.series) s.path = path.join(ROOT, s.path);
    fs.mkdirSync(path.join(tmp, 'config'));
    configFile = path.join(tmp, 'config', 'pipeline.yaml');
    fs.writeFileSync(configFile, YAML.stringify(cfg));
    url = execFileSync('bash', [path.join(ROOT, 'scripts', 'mlflow-server.sh'), 'start', server], {
      env: { ...process.env, MLFLOW_SERVER_OWNER_PID: String(process.pid) },
      encoding: 'utf8',
      timeout: 150_000,
    }).trim();
  }, 160_000);
  afterAll(() => {
    if (server)
      spawnSync('bash', [path.join(ROOT, 'scripts', 'mlflow-server.sh'), 'stop', server], { timeout: 30_000 });
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 40_000);

  test('the run, its metrics and artifacts, and the registered champion are on the server', async () => {
    const r = await runNode(['scripts/train.js', '--config', configFile, '--json'], {
      env: { MLFLOW_TRACKING_URI: url },
    });
    if (r.code !== 0) console.error(r.stderr);
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome.trackingError).toBeNull();
    expect(outcome.mlflowRunId).toMatch(/^[0-9a-f]{32}$/);
    expect(outcome.mlflowModelVersion).toBe('1');
    expect(r.stderr).toContain(`MLflow             run ${outcome.mlflowRunId}, model version 1`);
    const tracking = JSON.parse(fs.readFileSync(path.join(outcome.paths.versionDir, 'tracking.json'), 'utf8'));
    expect(tracking).toEqual({ runId: outcome.mlflowRunId, modelVersion: '1', error: null });

    // The REST API: params, metrics, tags of the run.
    const res = await fetch(`${url}/api/2.0/mlflow/runs/get?run_id=${outcome.mlflowRunId}`);
    expect(res.status).toBe(200);
    const { run } = await res.json();
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    expect(params['model.type']).toBe('lightgbm');
    expect(params.data_hash).toBe(outcome.dataHash);
    expect(params['split.test_series']).toBe('IBM');
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
    expect(metrics.validation_macro_f1).toBeCloseTo(outcome.metrics.validationMacroF1, 12);
    expect(metrics.test_span_f1).toBeCloseTo(outcome.metrics.testSpanF1, 12);
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    expect(tags['registry.version']).toBe(outcome.version);

    // The real MLflow Python client: run FINISHED, champion alias → this run's version,
    // models:/candle-patterns-test@champion downloads exactly the model file and model.json.
    const card = path.join(outcome.paths.versionDir, 'model.json');
    const expectFile = path.join(tmp, 'expect.json');
    fs.writeFileSync(
      expectFile,
      JSON.stringify({
        experiment: 'candle-annotator-test',
        version: '1',
        artifacts: [
          'model/model.lgb.txt',
          'model/model.json',
          'evaluation/metrics.json',
          'evaluation/plots/confusion_test.svg',
        ],
        model_files: { 'model.lgb.txt': sha256(outcome.paths.modelFile), 'model.json': sha256(card) },
      }),
    );
    const check = spawnSync(
      path.join(VENV_BIN, 'python'),
      [
        path.join(ROOT, 'scripts', 'check_mlflow_run.py'),
        url,
        outcome.mlflowRunId,
        'candle-patterns-test',
        '--alias',
        'champion',
        '--expect',
        expectFile,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (check.status !== 0) console.error(check.stdout, check.stderr);
    expect(check.status).toBe(0);
  }, 150_000);

  test('an unreachable server: the tracking error is reported, the version is still registered', async () => {
    const registry = path.join(tmp, 'down');
    const r = await runNode(['scripts/train.js', '--config', configFile, '--registry', registry, '--json'], {
      env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' },
    });
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome.version).toBe('v0001');
    expect(outcome.mlflowRunId).toBeNull();
    expect(outcome.trackingError).toContain('TRACKING_FAILED');
    expect(outcome.warnings).toContain(outcome.trackingError);
    expect(fs.existsSync(outcome.paths.modelFile)).toBe(true);
    expect(versions(registry)).toEqual(['v0001']);
    expect(r.stderr).toContain(`MLflow             FAILED: ${outcome.trackingError}`);
  }, 60_000);
});
