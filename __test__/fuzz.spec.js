// Fuzz test of every addon export: each export is called with generated hostile arguments —
// wrong types, NaN and huge numbers, mismatched columns, deep options, FIFOs, devices and
// symlinks to them as files, registries with special files and a stale lock folder — in a child
// process of its own with a deadline. The process must never crash or hang, every call must
// finish within the per-call bound, and every error must carry a documented engine code.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DOCUMENTED = new Set([
  'INVALID_CANDLES',
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  'IMPORT_FAILED',
  'TOO_FEW_CANDLES',
  'INVALID_ANNOTATIONS',
  'MODEL_NOT_FOUND',
  'NO_MODEL',
  'CORRUPT_MODEL',
  'TRAINING_FAILED',
  'CANCELLED',
  'TRACKING_FAILED',
  'IO_ERROR',
  'INTERNAL',
]);
const EXPORTS = [
  'validateCandles',
  'computeFeatures',
  'autoLabel',
  'importCsv',
  'importCsvFile',
  'train',
  'findLabelErrors',
  'predict',
  'predictBatch',
  'modelInfo',
  'modelRequirements',
  'listModels',
  'promote',
  'parseDateUtc',
  'resolveTimeValues',
  'CancelToken',
];
const CALLS = 40;
/** One call may take this long (a long series' features on a busy machine), never more. */
const CALL_LIMIT_MS = 20000;
/** A whole child (start-up, CALLS calls) may take this long. */
const CHILD_LIMIT_MS = 120000;

let dir;

/** A registry version whose card is well-formed (its model file is not a model). */
function writeVersion(root, version, modelFile = 'model.lgb.txt') {
  const v = path.join(root, 'versions', version);
  fs.mkdirSync(v, { recursive: true });
  const card = {
    format: 1,
    version,
    name: 'fuzz',
    modelType: 'lightgbm',
    modelFile,
    modelSha256: '0'.repeat(64),
    classNames: ['O', 'B-doji'],
    labels: ['doji'],
    featureNames: ['body'],
    featureConfig: { geometry: ['body'], indicators: false, patterns: false, lags: 0 },
    rows: { encoding: 'bio', window: 1, stride: 1, lookahead: 0, windowLabel: 'end' },
    params: {
      type: 'lightgbm',
      rounds: 1,
      learning_rate: 0.1,
      num_leaves: 2,
      max_depth: 0,
      min_samples_leaf: 1,
      min_child_weight: 1,
      row_subsample: 1,
      feature_subsample: 1,
      l2: 1,
      early_stopping_rounds: null,
      threads: 1,
      seed: 1,
    },
    rounds: 1,
    configHash: 'c',
    dataHash: 'd',
    metrics: { validationMacroF1: 0.5, validationSpanF1: 0.5 },
    trainSeries: [],
    testSeries: [],
    createdAt: '2024-01-01T00:00:00Z',
    gitCommit: null,
  };
  fs.writeFileSync(path.join(v, 'model.json'), JSON.stringify(card));
  return v;
}

const mkfifo = (p) => execFileSync('mkfifo', [p]);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-fuzz-'));
  const fifo = path.join(dir, 'fifo.csv');
  mkfifo(fifo);
  fs.symlinkSync('/dev/zero', path.join(dir, 'zero-link.csv'));
  fs.symlinkSync(fifo, path.join(dir, 'fifo-link.yaml'));
  fs.mkdirSync(path.join(dir, 'a-folder.csv'));
  const deepYaml = path.join(dir, 'deep.yaml');
  fs.writeFileSync(deepYaml, '['.repeat(100000));
  const specialFiles = [
    fifo,
    '/dev/zero',
    '/dev/urandom',
    path.join(dir, 'zero-link.csv'),
    path.join(dir, 'fifo-link.yaml'),
    path.join(dir, 'a-folder.csv'),
    deepYaml,
    path.join(dir, 'missing.csv'),
  ];

  // Registries: empty; FIFO aliases.json; FIFO model.json; FIFO model file; /dev/zero metrics;
  // a stale lock folder (what a kill -9 of an older scheme left) in front of a valid version.
  const registries = [];
  const reg = (name) => {
    const r = path.join(dir, name);
    fs.mkdirSync(r, { recursive: true });
    registries.push(r);
    return r;
  };
  reg('empty-registry');
  const aliasesFifo = reg('aliases-fifo');
  writeVersion(aliasesFifo, 'v0001');
  mkfifo(path.join(aliasesFifo, 'aliases.json'));
  const cardFifo = reg('card-fifo');
  fs.mkdirSync(path.join(cardFifo, 'versions', 'v0001'), { recursive: true });
  mkfifo(path.join(cardFifo, 'versions', 'v0001', 'model.json'));
  const modelFifo = reg('model-fifo');
  mkfifo(path.join(writeVersion(modelFifo, 'v0001'), 'model.lgb.txt'));
  const metricsZero = reg('metrics-zero');
  fs.symlinkSync('/dev/zero', path.join(writeVersion(metricsZero, 'v0001'), 'metrics.json'));
  const staleLock = reg('stale-lock');
  writeVersion(staleLock, 'v0001');
  fs.mkdirSync(path.join(staleLock, 'aliases.lock'));
  fs.writeFileSync(path.join(staleLock, 'aliases.lock', 'owner'), '999999');

  const badConfigs = [
    { configPath: deepYaml },
    { configPath: fifo },
    { configPath: '/dev/urandom' },
    {
      config: {
        data: { series: [{ path: fifo }] },
        labels: { annotations: [path.join(dir, 'fifo-link.yaml')] },
        model: { type: 'lightgbm', threads: 1 },
        registry: { root: staleLock },
      },
      rootDir: dir,
    },
    {
      config: {
        data: { series: [{ path: 'data/samples/ibm_daily.csv' }] },
        labels: { annotations: ['/dev/zero'] },
        model: { type: 'lightgbm', threads: 1 },
      },
      rootDir: path.join(__dirname, '..'),
    },
  ];
  const csvTexts = [
    'Date,Open,High,Low,Close\n2020-01-02,1,2,0.5,1.5\n',
    'Date;Open;High;Low;Close\n01/02/2020;141,012;141,5;140,25;141,25\n02/02/2020;141,012;141,5;140,25;141,25\n',
    'time,open,high,low,close\n43831,1,2,0.5,1.5\n43832,1,2,0.5,1.5\n',
    '\u00ef\u00bb\u00bfa;b\n;;\n',
    'x'.repeat(1000),
  ];
  fs.writeFileSync(path.join(dir, 'fixtures.json'), JSON.stringify({ specialFiles, registries, badConfigs, csvTexts }));
});

afterAll(() => process.env.FUZZ_KEEP || fs.rmSync(dir, { recursive: true, force: true }));

/** Runs one child; resolves with its lines, exit status and whether it hit the deadline. */
function runChild(name, seed) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'fuzz', 'child.js'), name, String(seed), String(CALLS), path.join(dir, 'fixtures.json')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      resolve({ code, signal, lines, stderr: err.slice(-2000) });
    });
  });
}

test.each(EXPORTS.map((name, i) => [name, 7919 * (i + 1)]))(
  '%s: no crash, no hang, every error coded',
  async (name, seed) => {
    const { code, signal, lines, stderr } = await runChild(name, seed);
    const started = lines.filter((l) => 'start' in l).map((l) => l.start);
    const done = lines.filter((l) => 'done' in l);
    const unfinished = started.filter((i) => !done.some((d) => d.done === i));
    // The child ran every call to its end and exited normally.
    expect({ name, signal, code, unfinished, stderr: code === 0 ? '' : stderr }).toEqual({
      name,
      signal: null,
      code: 0,
      unfinished: [],
      stderr: '',
    });
    expect(done).toHaveLength(CALLS);
    const slow = done.filter((d) => d.ms > CALL_LIMIT_MS);
    expect(slow).toEqual([]);
    const uncoded = done.filter((d) => !d.outcome.ok && !DOCUMENTED.has(d.outcome.code));
    expect(uncoded).toEqual([]);
  },
  CHILD_LIMIT_MS + 10000,
);
