// Drives the running compose stack like a user would (tests/containers/run.sh starts it):
//   node tests/containers/check.mjs <app url> <mlflow url>
// health → model info (no model yet) → demo datasets → CSV upload → training (logged to MLflow,
// stored in PostgreSQL) → model info → prediction → a distributed training over the two workers →
// the WAL checkpoint worker ran → app restart keeps the data (volumes).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [app, mlflow] = process.argv.slice(2);
if (!app || !mlflow) throw new Error('usage: check.mjs <app url> <mlflow url>');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const step = (msg) => console.log(`  ✓ ${msg}`);

/** The running container of a compose service. */
function containerOf(service) {
  const name = execFileSync('podman', [
    'ps',
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--format',
    '{{.Names}}',
  ])
    .toString()
    .trim()
    .split('\n')[0];
  expect(name, `cannot find the ${service} container`);
  return name;
}

/** A query against MLflow's database, inside the postgres container. */
const sql = (query) =>
  execFileSync('podman', [
    'exec',
    containerOf('postgres'),
    'psql',
    '-h',
    '/tmp',
    '-U',
    'postgres',
    '-d',
    'mlflow',
    '-tAc',
    query,
  ])
    .toString()
    .trim();

function expect(cond, msg) {
  if (!cond) throw new Error(`container check failed: ${msg}`);
}

// The app requires sign-in: the admin the stack was started with (CANDLE_ADMIN_PASSWORD, set by
// run.sh) creates an API token that every call below carries.
let authorization = null;

async function call(method, url, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (authorization && url.startsWith(app)) init.headers.authorization ??= authorization;
  if (body !== undefined) {
    if (Buffer.isBuffer(body)) {
      init.body = body;
      init.headers['content-type'] ??= 'text/csv';
    } else {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (error) {
    // A kept-alive socket the server closed while the test waited (the server's keep-alive timeout
    // is 5 s; a training step takes minutes) fails the next request on it: retry a read once, on a
    // new connection.
    if (method !== 'GET' || error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
    res = await fetch(url, init);
  }
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(1000);
  }
  throw new Error(
    `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
  );
}

await waitFor('the app to be healthy', async () => (await call('GET', `${app}/api/health`)).status === 200, 180_000);
step('app /api/health answers 200');
const signedIn = await fetch(`${app}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: process.env.CANDLE_ADMIN_PASSWORD }),
});
expect(signedIn.ok, `admin sign-in: ${signedIn.status} ${await signedIn.clone().text()}`);
const tokenRes = await call(
  'POST',
  `${app}/api/auth/tokens`,
  { name: 'container check' },
  {
    cookie: signedIn.headers.get('set-cookie').split(';')[0],
  },
);
expect(tokenRes.status === 201, `token: ${tokenRes.status} ${tokenRes.text}`);
authorization = `Bearer ${tokenRes.json.token}`;
const anonymous = await fetch(`${app}/api/datasets`);
expect(anonymous.status === 401, `without credentials: ${anonymous.status}`);
step('signed in as the first admin; without a token the API answers 401');
await waitFor('MLflow to be healthy', async () => (await fetch(`${mlflow}/health`)).ok, 180_000);
step('MLflow /health answers 200');

const noModel = await call('GET', `${app}/api/model/info`);
expect(
  noModel.status === 409 && noModel.json?.error?.code === 'NO_MODEL',
  `fresh stack: model info ${noModel.status} ${noModel.text}`,
);
step('model info before any training: 409 NO_MODEL');

const demo = await call('GET', `${app}/api/datasets`);
expect(demo.status === 200 && demo.json.datasets.length >= 5, `demo datasets: ${demo.text.slice(0, 200)}`);
step(`${demo.json.datasets.length} demo datasets seeded`);

const csv = fs.readFileSync(path.join(root, 'data', 'samples', 'ibm_daily.csv'));
const upload = await call(
  'POST',
  `${app}/api/datasets?name=ct-ibm&fileName=ibm_daily.csv&symbol=IBM&timeframe=1d`,
  csv,
);
expect(upload.status === 201, `upload: ${upload.status} ${upload.text.slice(0, 300)}`);
const dataset = upload.json.datasets?.[0];
expect(dataset.id && dataset.candleCount > 3000, `upload result: ${upload.text.slice(0, 300)}`);
step(`CSV import: dataset ${dataset.id} with ${dataset.candleCount} candles`);

const started = await call('POST', `${app}/api/training`, { preset: 'fast', datasetId: dataset.id });
expect(started.status === 202, `training start: ${started.status} ${started.text}`);
const jobId = started.json.job.id;
const job = await waitFor(
  'training to finish',
  async () => {
    const j = (await call('GET', `${app}/api/training/${jobId}`)).json.job;
    return j.state === 'running' ? null : j;
  },
  20 * 60_000,
);
expect(job.state === 'succeeded', `training ended ${job.state}: ${JSON.stringify(job.error)}`);
step(`training: version ${job.outcome.version} (${job.outcome.modelType})`);

const experiments = await call('POST', `${mlflow}/api/2.0/mlflow/experiments/search`, { max_results: 100 });
expect(
  experiments.status === 200,
  `MLflow experiments/search: ${experiments.status} ${experiments.text.slice(0, 300)}`,
);
const experimentIds = (experiments.json.experiments ?? []).map((e) => e.experiment_id);
const runs = await call('POST', `${mlflow}/api/2.0/mlflow/runs/search`, {
  experiment_ids: experimentIds,
  max_results: 10,
});
expect(runs.status === 200, `MLflow runs/search: ${runs.status} ${runs.text.slice(0, 300)}`);
const found = runs.json.runs ?? [];
expect(
  found.some((r) => r.info.status === 'FINISHED'),
  `no finished MLflow run: ${JSON.stringify(found).slice(0, 300)}`,
);
const run = found.find((r) => r.info.status === 'FINISHED');
expect((run.data.metrics ?? []).length > 0, 'the MLflow run has no metrics');
step(`MLflow run ${run.info.run_id} FINISHED with ${run.data.metrics.length} metrics`);
expect(
  sql(`select status from runs where run_uuid = '${run.info.run_id}'`) === 'FINISHED',
  'the run is not in PostgreSQL',
);
step('the run is stored in PostgreSQL (MLflow backend store)');

const info = await call('GET', `${app}/api/model/info`);
expect(
  info.status === 200 && info.json.version === job.outcome.version,
  `model info: ${info.status} ${info.text.slice(0, 300)}`,
);
step(`model info: champion ${info.json.version}`);

const prediction = await call('POST', `${app}/api/predict`, { datasetId: dataset.id });
expect(
  prediction.status === 200 && Array.isArray(prediction.json.spans),
  `predict: ${prediction.status} ${prediction.text.slice(0, 300)}`,
);
expect(prediction.json.spans.length > 0, 'predict returned no spans on the training data');
step(`predict: ${prediction.json.spans.length} spans from ${prediction.json.model.version}`);

// The app's container, from here to the restart at the end (its name does not change).
const appContainer = containerOf('app');

// A distributed training: the app container coordinates, worker-1 and worker-2 train.
const distributed = JSON.parse(
  execFileSync(
    'podman',
    ['exec', appContainer, 'node', 'scripts/train.js', '--config', 'config/stack-distributed.yaml', '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 },
  ).toString(),
);
expect(
  distributed.distributed?.workers?.length === 2 && distributed.mlflowRunId && !distributed.trackingError,
  `distributed training: ${JSON.stringify(distributed).slice(0, 400)}`,
);
expect(
  sql(`select status from runs where run_uuid = '${distributed.mlflowRunId}'`) === 'FINISHED',
  'the distributed run is not in PostgreSQL',
);
step(
  `distributed training: ${distributed.version} from ${distributed.distributed.workers
    .map((w) => `${w.hostname} (${w.series.join(', ')})`)
    .join(' + ')}, MLflow run in PostgreSQL`,
);
const champion = await call('GET', `${app}/api/model/info`);
expect(champion.status === 200, `model info after the distributed training: ${champion.status}`);

// The WAL is checkpointed by a worker thread with its own connection (web/README.md, *Checkpoints
// off the request*). That worker loads better-sqlite3 from the server's working directory; in the
// standalone image only Next's traced modules are there. A worker that runs truncates the WAL to
// 0 bytes once the app is idle; the fallback (SQLite's automatic checkpoint) never truncates it,
// and logs why the worker is missing.
const walBytes = () =>
  Number(execFileSync('podman', ['exec', appContainer, 'stat', '-c', '%s', '/data/candle.db-wal']).toString());
await waitFor('the WAL truncated by the checkpoint worker', async () => walBytes() === 0, 30_000);
const logs = spawnSync('podman', ['logs', appContainer], { encoding: 'utf8' });
const appLog = `${logs.stdout}${logs.stderr}`; // the server's console.error arrives on stderr
expect(!appLog.includes('WAL checkpoint worker unavailable'), 'the WAL checkpoint worker did not run in the image');
step('WAL checkpointed off the request (worker ran, WAL truncated)');

// Volumes: a restarted app container still has the upload and the model.
execFileSync('podman', ['restart', appContainer], { stdio: 'ignore' });
await waitFor('the app after restart', async () => (await call('GET', `${app}/api/health`)).status === 200, 180_000);
const after = await call('GET', `${app}/api/datasets`);
expect(
  after.json.datasets.some((d) => d.id === dataset.id),
  'the uploaded dataset is gone after a restart',
);
const infoAfter = await call('GET', `${app}/api/model/info`);
expect(
  infoAfter.status === 200 && infoAfter.json.version === champion.json.version,
  'the model is gone after a restart',
);
step('restart: dataset and model survive (volumes)');
