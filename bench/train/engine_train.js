// One engine training run (its own process, so peak RSS is this run's): times each pipeline
// stage from the progress events, reads VmHWM / VmRSS from /proc/self/status.
// Usage: node bench/train/engine_train.js <config.yaml>   → JSON on stdout
const fs = require('node:fs');
const path = require('node:path');
const engine = require(path.join(__dirname, '..', '..'));

const status = (key) =>
  Number(fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))[1]) / 1024;

async function main() {
  const configPath = path.resolve(process.argv[2]);
  const stageStart = {};
  let rssAtFit = null;
  let hwmAtFit = null;
  const t0 = performance.now();
  const outcome = await engine.train({ configPath }, ({ stage }) => {
    if (!(stage in stageStart)) {
      stageStart[stage] = performance.now();
      if (stage === 'fit') {
        rssAtFit = status('VmRSS');
        hwmAtFit = status('VmHWM');
      }
    }
  });
  const t1 = performance.now();
  const order = Object.keys(stageStart);
  const stages = {};
  order.forEach((s, i) => {
    stages[s] = ((i + 1 < order.length ? stageStart[order[i + 1]] : t1) - stageStart[s]) / 1000;
  });
  const metrics = JSON.parse(fs.readFileSync(outcome.paths.metricsFile, 'utf8'));
  const logloss = metrics.history.filter((h) => /logloss/.test(h.name));
  process.stdout.write(
    JSON.stringify({
      model: outcome.modelType,
      totalSeconds: (t1 - t0) / 1000,
      fitSeconds: stages.fit,
      stages,
      peakRssMb: status('VmHWM'),
      rssAtFitMb: rssAtFit,
      peakRssBeforeFitMb: hwmAtFit,
      trainRows: outcome.rows.train,
      validationRows: outcome.rows.validation,
      rounds: outcome.rounds,
      finalValidLogloss: logloss.length ? logloss[logloss.length - 1].value : null,
      validationMacroF1: outcome.metrics.validationMacroF1,
      datasetCsv: outcome.paths.datasetCsv,
      datasetManifest: outcome.paths.datasetManifest,
    }) + '\n',
  );
}

main().catch((e) => {
  console.error(`engine_train: [${e.code}] ${e.message}`);
  process.exit(1);
});
