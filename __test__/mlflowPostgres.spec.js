// MLflow in its production shape: a tracking server whose backend store is PostgreSQL (Debian's
// postgresql, a private cluster started by scripts/postgres.sh), with the proxied artifact store.
// A distributed training (`npm run train` as the coordinator, two `npm run worker` processes) logs
// to it; the run, its metrics, artifacts and the registered champion are checked with the real
// MLflow Python client, and the rows are read back from Postgres itself.
// Alone: npm run test:mlflow-postgres (≈ 1 min: the server's first start creates its tables).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const YAML = require('yaml');
const { freeBase, startWorkers, stopWorkers } = require('./workers');

const ROOT = path.join(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'pipeline-small.yaml');
const VENV_BIN = path.join(ROOT, '.venv', 'bin');
const script = (name) => path.join(ROOT, 'scripts', name);

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function runNode(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('MLflow with a PostgreSQL backend store, fed by a distributed training', () => {
  let tmp;
  let database;
  let tracking;
  let workers = [];
  let base;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-mlflow-pg-'));
    const owner = {
      ...process.env,
      POSTGRES_OWNER_PID: String(process.pid),
      MLFLOW_SERVER_OWNER_PID: String(process.pid),
    };
    database = execFileSync('bash', [script('postgres.sh'), 'start', path.join(tmp, 'postgres')], {
      env: owner,
      encoding: 'utf8',
      timeout: 90_000,
    }).trim();
    tracking = execFileSync('bash', [script('mlflow-server.sh'), 'start', path.join(tmp, 'mlflow')], {
      env: { ...owner, MLFLOW_BACKEND_STORE_URI: database },
      encoding: 'utf8',
      timeout: 180_000,
    }).trim();
    base = await freeBase(2);
    workers = await startWorkers(base, 2);
  }, 240_000);
  afterAll(async () => {
    await stopWorkers(workers);
    spawnSync('bash', [script('mlflow-server.sh'), 'stop', path.join(tmp, 'mlflow')], { timeout: 30_000 });
    spawnSync('bash', [script('postgres.sh'), 'stop', path.join(tmp, 'postgres')], { timeout: 40_000 });
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 60_000);

  test('the run, its metrics and artifacts and the champion are in MLflow, stored in Postgres', async () => {
    const cfg = YAML.parse(fs.readFileSync(FIXTURE, 'utf8'));
    cfg.registry.root = path.join(tmp, 'models');
    cfg.dataset.output_dir = path.join(tmp, 'dataset');
    cfg.distributed = { workers: 2, port_base: base };
    const configFile = path.join(tmp, 'pipeline.yaml');
    fs.writeFileSync(configFile, YAML.stringify(cfg));

    const r = await runNode([script('train.js'), '--config', configFile, '--json'], { MLFLOW_TRACKING_URI: tracking });
    if (r.code !== 0) console.error(r.stderr);
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome.distributed.workers).toHaveLength(2);
    expect(outcome.trackingError).toBeNull();
    expect(outcome.mlflowRunId).toMatch(/^[0-9a-f]{32}$/);
    expect(outcome.mlflowModelVersion).toBe('1');

    // The real MLflow client: run FINISHED, its params and metrics, the champion alias resolves
    // to this run's version, models:/…@champion downloads exactly the model file and card.
    const expectFile = path.join(tmp, 'expect.json');
    fs.writeFileSync(
      expectFile,
      JSON.stringify({
        experiment: 'candle-annotator-test',
        version: '1',
        artifacts: ['model/model.lgb.txt', 'model/model.json', 'evaluation/metrics.json', 'dataset/manifest.json'],
        model_files: {
          'model.lgb.txt': sha256(outcome.paths.modelFile),
          'model.json': sha256(path.join(outcome.paths.versionDir, 'model.json')),
        },
        tags: { 'registry.version': outcome.version },
      }),
    );
    const check = spawnSync(
      path.join(VENV_BIN, 'python'),
      [
        script('check_mlflow_run.py'),
        tracking,
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
    const res = await fetch(`${tracking}/api/2.0/mlflow/runs/get?run_id=${outcome.mlflowRunId}`);
    const { run } = await res.json();
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    expect(params['distributed.workers']).toBe('2');
    expect(params['distributed.tree_learner']).toBe('data');
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
    expect(metrics.validation_macro_f1).toBeCloseTo(outcome.metrics.validationMacroF1, 12);

    // The rows are in Postgres: the run, its metric history, the registered model and alias.
    const sql = (query) => execFileSync('psql', [database, '-tAc', query], { encoding: 'utf8' }).trim();
    expect(sql(`select status from runs where run_uuid = '${outcome.mlflowRunId}'`)).toBe('FINISHED');
    expect(Number(sql(`select count(*) from metrics where run_uuid = '${outcome.mlflowRunId}'`))).toBeGreaterThan(
      outcome.rounds,
    );
    expect(
      sql(`select version from registered_model_aliases where name = 'candle-patterns-test' and alias = 'champion'`),
    ).toBe('1');
  }, 240_000);
});
