// The DVC pipeline (dvc.yaml): `dvc repro` on the real samples in a scratch copy of the repo
// (git repo of its own, the small config of __test__/fixtures/pipeline-small.yaml as
// config/pipeline.yaml), a second repro with nothing to do, params wiring through `dvc status`,
// and `dvc push` / `dvc pull` against a local remote. The working tree and models/ are never
// touched.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');

const ROOT = path.join(__dirname, '..');
const VENV_BIN = path.join(ROOT, '.venv', 'bin');
const HAVE_DVC = fs.existsSync(path.join(VENV_BIN, 'dvc'));
if (!HAVE_DVC)
  console.warn(`SKIPPING the DVC pipeline tests: ${path.join(VENV_BIN, 'dvc')} not found (run scripts/setup.sh)`);

const STAGES = ['import', 'features', 'train', 'evaluate'];

/** What a fresh clone + scripts/build.sh has that the pipeline needs. */
const COPY = [
  'dvc.yaml',
  '.dvcignore',
  '.gitignore',
  '.dvc/config',
  '.dvc/.gitignore',
  'package.json',
  'index.js',
  'index.d.ts',
  'candle-annotator.linux-x64-gnu.node',
  'libxgboost.so.3',
  'scripts',
  'data/samples',
  'crates/engine/src',
];

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** `{ relative path: sha256 }` of every file under `dir`. */
function hashTree(dir, base = dir, out = {}) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) hashTree(p, base, out);
    else out[path.relative(base, p)] = sha256(p);
  }
  return out;
}

function parseCsv(file) {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  return { header: header.split(','), rows: lines.map((l) => l.split(',')) };
}

(HAVE_DVC ? describe : describe.skip)('DVC pipeline: import → features, import → train → evaluate', () => {
  let tmp;
  let repo;
  const env = {
    ...process.env,
    PATH: `${VENV_BIN}:${process.env.PATH}`,
    DVC_NO_ANALYTICS: '1',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    MLFLOW_TRACKING_URI: '',
  };
  const run = (cmd, args, { ok = true } = {}) => {
    const r = spawnSync(cmd, args, { cwd: repo, env, encoding: 'utf8', timeout: 150_000 });
    const out = `${r.stdout}${r.stderr}`;
    if (ok && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${out}`);
    return out;
  };
  const dvc = (...args) => run('dvc', args);

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-dvc-'));
    repo = path.join(tmp, 'repo');
    for (const rel of COPY) {
      fs.cpSync(path.join(ROOT, rel), path.join(repo, rel), { recursive: true });
    }
    fs.mkdirSync(path.join(repo, 'config'));
    fs.copyFileSync(
      path.join(__dirname, 'fixtures', 'pipeline-small.yaml'),
      path.join(repo, 'config', 'pipeline.yaml'),
    );
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
    run('git', ['init', '-q']);
    fs.appendFileSync(path.join(repo, '.git', 'info', 'exclude'), '/node_modules\n');
    run('git', ['add', '-A']);
    run('git', ['commit', '-qm', 'scratch copy']);
    // DVC keeps per-repo state under a site cache dir (/var/tmp/dvc by default): keep it in tmp.
    dvc('config', '--local', 'core.site_cache_dir', path.join(tmp, 'dvc-site'));
  }, 60_000);
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('dvc repro runs every stage and writes what dvc.yaml declares', () => {
    const out = dvc('repro');
    for (const s of STAGES) expect(out).toContain(`Running stage '${s}'`);
    expect(out.indexOf("Running stage 'import'")).toBeLessThan(out.indexOf("Running stage 'train'"));
    expect(out.indexOf("Running stage 'train'")).toBeLessThan(out.indexOf("Running stage 'evaluate'"));
    expect(out).toContain('Training finished');
    expect(dvc('status')).toContain('Data and pipelines are up to date.');

    // dvc.lock: every stage, with the params dvc.yaml names for it.
    const lock = YAML.parse(fs.readFileSync(path.join(repo, 'dvc.lock'), 'utf8'));
    expect(Object.keys(lock.stages).sort()).toEqual([...STAGES].sort());
    expect(Object.keys(lock.stages.import.params['config/pipeline.yaml'])).toEqual(['data.series']);
    expect(Object.keys(lock.stages.features.params['config/pipeline.yaml'])).toEqual(['features']);
    expect(Object.keys(lock.stages.train.params['config/pipeline.yaml']).sort()).toEqual([
      'balance',
      'dataset',
      'evaluation',
      'features',
      'labels',
      'model',
      'registry',
      'seed',
      'split',
    ]);
    expect(lock.stages.train.outs.map((o) => o.path).sort()).toEqual(['artifacts/dataset', 'artifacts/train']);

    // import: one normalised CSV per series + the index.
    const index = JSON.parse(fs.readFileSync(path.join(repo, 'artifacts/import/series.json'), 'utf8'));
    expect(index.series.map((s) => s.id)).toEqual(['AAPL', 'MSFT', 'IBM']);
    for (const s of index.series) {
      expect(s.candles).toBe(
        fs
          .readFileSync(path.join(repo, 'artifacts/import', s.file), 'utf8')
          .trim()
          .split('\n').length - 1,
      );
      expect(s.sourceSha256).toBe(sha256(path.join(repo, s.source)));
    }

    // train: the outcome (repo-relative paths), the version's folder, the dataset.
    const outcome = JSON.parse(fs.readFileSync(path.join(repo, 'artifacts/train/outcome.json'), 'utf8'));
    expect(outcome.version).toBe('v0001');
    expect(outcome.paths.datasetCsv).toBe('artifacts/dataset/dataset.csv');
    expect(outcome.paths.versionDir).toBe('models/versions/v0001');
    expect(outcome.dataHash).toBe(sha256(path.join(repo, 'artifacts/dataset/dataset.csv')));
    expect(sha256(path.join(repo, 'artifacts/train/model/model.lgb.txt'))).toBe(
      sha256(path.join(repo, 'models/versions/v0001/model.lgb.txt')),
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'artifacts/dataset/manifest.json'), 'utf8'));
    expect(manifest.series.map((s) => s.path)).toEqual([
      'artifacts/import/AAPL.csv',
      'artifacts/import/MSFT.csv',
      'artifacts/import/IBM.csv',
    ]);

    // features: the same per-candle values as the training table (dataset.csv), candle by candle.
    const features = JSON.parse(fs.readFileSync(path.join(repo, 'artifacts/features/features.json'), 'utf8'));
    const dataset = parseCsv(path.join(repo, 'artifacts/dataset/dataset.csv'));
    expect(dataset.header.slice(5)).toEqual(features.names);
    let compared = 0;
    for (const s of features.series) {
      const table = parseCsv(path.join(repo, 'artifacts/features', s.file));
      const rows = dataset.rows.filter((r) => r[0] === s.id);
      expect(rows.length).toBe(table.rows.length);
      rows.forEach((r, i) => {
        expect(r[1]).toBe(table.rows[i][1]); // candle index
        for (let f = 0; f < features.names.length; f++) {
          const a = Number(r[5 + f]);
          const b = table.rows[i][2 + f] === '' ? NaN : Number(table.rows[i][2 + f]);
          if (!(Object.is(a, b) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)))) {
            throw new Error(
              `${s.id} candle ${r[1]} ${features.names[f]}: dataset.csv ${r[5 + f]}, features ${table.rows[i][2 + f]}`,
            );
          }
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(100_000);

    // evaluate: DVC metrics and plots.
    const metrics = JSON.parse(dvc('metrics', 'show', '--json'));
    const m = Object.values(metrics)[0].data['reports/metrics.json'].data;
    expect(m.validation.macro_f1).toBeCloseTo(outcome.metrics.validationMacroF1, 12);
    expect(m.test.span_f1).toBeCloseTo(outcome.metrics.testSpanF1, 12);
    expect(m.test.pattern_macro_f1).toBeCloseTo(outcome.metrics.testPatternF1, 12);
    expect(m.rounds).toBe(outcome.rounds);
    for (const f of [
      'history.csv',
      'classes_test.csv',
      'confusion_test.csv',
      'confusion_test.svg',
      'pr_curves_validation.svg',
    ]) {
      expect(fs.existsSync(path.join(repo, 'reports/plots', f))).toBe(true);
    }
    const confusion = parseCsv(path.join(repo, 'reports/plots/confusion_test.csv'));
    expect(confusion.rows.length).toBe(outcome.rows.test);
    dvc('plots', 'show', '-o', path.join(tmp, 'plots'));
    expect(fs.existsSync(path.join(tmp, 'plots', 'index.html'))).toBe(true);
  }, 150_000);

  test('a second dvc repro has nothing to reproduce (and publishes no version)', () => {
    const out = dvc('repro');
    for (const s of STAGES) expect(out).toContain(`Stage '${s}' didn't change, skipping`);
    expect(out).toContain('Data and pipelines are up to date.');
    expect(out).not.toContain('Running stage');
    expect(fs.readdirSync(path.join(repo, 'models/versions'))).toEqual(['v0001']);
  }, 60_000);

  test('params are wired per stage: a change marks exactly the stages that read the key', () => {
    const configFile = path.join(repo, 'config', 'pipeline.yaml');
    const original = fs.readFileSync(configFile, 'utf8');
    const changed = (edit) => {
      fs.writeFileSync(configFile, edit(original));
      const status = JSON.parse(dvc('status', '--json'));
      fs.writeFileSync(configFile, original);
      return Object.keys(status).sort();
    };
    try {
      expect(changed((t) => t.replace('rounds: 12', 'rounds: 13'))).toEqual(['train']);
      // Where the run is logged is not what it computes: renaming the experiment retrains nothing.
      expect(changed((t) => t.replace('experiment: candle-annotator-test', 'experiment: renamed'))).toEqual([]);
      expect(changed((t) => t.replace('lags: 2', 'lags: 1'))).toEqual(['features', 'train']);
      expect(changed((t) => t.replace('symbol: IBM, timeframe: 1d', 'symbol: IBM, timeframe: 1w'))).toEqual(['import']);
    } finally {
      fs.writeFileSync(configFile, original);
    }
    expect(dvc('status')).toContain('Data and pipelines are up to date.');
  }, 60_000);

  test('dvc push / pull against a local remote restores the outputs byte for byte', () => {
    const remote = path.join(tmp, 'remote');
    dvc('remote', 'add', '--local', '-d', 'scratch', remote);
    const pushed = dvc('push');
    expect(pushed).toMatch(/\d+ files? pushed/);
    const before = hashTree(path.join(repo, 'artifacts'));
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'import/series.json',
        'import/AAPL.csv',
        'features/features.json',
        'features/IBM.csv',
        'dataset/dataset.csv',
        'dataset/manifest.json',
        'train/outcome.json',
        'train/model/model.lgb.txt',
        'train/model/metrics.json',
      ]),
    );

    fs.rmSync(path.join(repo, 'artifacts'), { recursive: true });
    fs.rmSync(path.join(repo, '.dvc', 'cache'), { recursive: true });
    expect(dvc('status')).toContain('not in cache');

    const pulled = dvc('pull');
    expect(pulled).toMatch(/\d+ files? fetched/);
    expect(hashTree(path.join(repo, 'artifacts'))).toEqual(before);
    expect(dvc('status')).toContain('Data and pipelines are up to date.');
    expect(dvc('repro')).not.toContain('Running stage');
  }, 120_000);
});
