'use strict';
/**
 * Running `engine.train` from a terminal: a live progress bar (plain lines when the stream is
 * not a TTY), Ctrl+C → AbortSignal, and the end-of-run summary table. Used by scripts/train.js
 * (`npm run train`) and the DVC train stage (scripts/pipeline/train.js).
 */
const path = require('node:path');
const engine = require('./engine');

const STAGES = ['load', 'features', 'labels', 'dataset', 'split', 'fit', 'evaluate', 'register'];

function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A progress display on `stream`. TTY: one redrawn line `[bar] pct stage elapsed`. Otherwise
 * (CI, DVC logs, pipes): a plain line per stage and per 10 % of overall progress.
 */
function createProgress(stream, { label = 'train', tty = Boolean(stream.isTTY) } = {}) {
  const t0 = Date.now();
  let stage = null;
  let fraction = 0;
  let lastDecile = -1;
  let lastDraw = 0;
  let drawn = false;
  let done = false;

  const draw = () => {
    const width = Math.max(10, Math.min(40, (stream.columns || 80) - 40));
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const pct = `${(fraction * 100).toFixed(0).padStart(3)}%`;
    stream.write(`\r\x1b[2K${label} [${bar}] ${pct}  ${(stage || '').padEnd(8)}  ${clock(Date.now() - t0)}`);
    drawn = true;
    lastDraw = Date.now();
  };

  return {
    update({ stage: s, fraction: f }) {
      if (done) return; // events can trail the promise; the run is over
      const stageChanged = s !== stage;
      stage = s;
      fraction = Math.max(fraction, Math.min(1, f));
      if (tty) {
        if (stageChanged || Date.now() - lastDraw >= 100 || fraction >= 1) draw();
      } else {
        const decile = Math.floor(fraction * 10);
        if (stageChanged || decile > lastDecile) {
          stream.write(
            `${label}: ${(fraction * 100).toFixed(0).padStart(3)}% ${s} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
          );
        }
        lastDecile = Math.max(lastDecile, decile);
      }
    },
    /** A message between progress updates (keeps the bar intact on a TTY). */
    note(msg) {
      if (tty && drawn && !done) stream.write('\r\x1b[2K');
      stream.write(`${msg}\n`);
      if (tty && drawn && !done) draw();
    },
    finish() {
      if (done) return;
      done = true;
      if (tty && drawn) stream.write('\n');
    },
    get stage() {
      return stage;
    },
    get elapsedMs() {
      return Date.now() - t0;
    },
  };
}

/**
 * Runs `engine.train(trainConfig)` with a progress display on `stream`. SIGINT/SIGTERM cancel the
 * run through an AbortSignal (a second signal exits at once with 128+signal). Resolves to
 * `{ outcome, elapsedMs, lateSignal }` (`lateSignal`: a signal that came after the version was
 * already published, so the run completed); rejects with the engine's coded error, plus
 * `err.signal` when the run was cancelled by a signal.
 */
async function runTraining(
  trainConfig,
  { stream = process.stdout, label = 'train', handleSignals = true, onProgress } = {},
) {
  const progress = createProgress(stream, { label });
  const abort = new AbortController();
  let signal = null;
  const handlers = {};
  if (handleSignals) {
    for (const sig of ['SIGINT', 'SIGTERM']) {
      handlers[sig] = () => {
        if (signal) {
          progress.finish();
          process.stderr.write(`${label}: ${sig} again: exiting without waiting for the engine\n`);
          process.exit(sig === 'SIGINT' ? 130 : 143);
        }
        signal = sig;
        abort.abort();
        progress.note(`${label}: ${sig}: cancelling at the next check (again to quit at once)…`);
      };
      process.on(sig, handlers[sig]);
    }
  }
  try {
    const outcome = await engine.train(
      trainConfig,
      (p) => {
        progress.update(p);
        if (onProgress) onProgress(p);
      },
      abort.signal,
    );
    progress.update({ stage: 'register', fraction: 1 });
    progress.finish();
    return { outcome, elapsedMs: progress.elapsedMs, lateSignal: signal };
  } catch (err) {
    progress.finish();
    if (signal && err && err.code === 'CANCELLED') err.signal = signal;
    throw err;
  } finally {
    for (const [sig, h] of Object.entries(handlers)) process.removeListener(sig, h);
  }
}

function fmt(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** A path relative to `cwd` when it lies inside it. */
function rel(p, cwd = process.cwd()) {
  if (!p) return '—';
  const r = path.relative(cwd, p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

/** The end-of-run table (plain text, fixed-width). */
function formatSummary(
  outcome,
  {
    elapsedMs,
    cwd = process.cwd(),
    trackingConfigured = Boolean(process.env.MLFLOW_TRACKING_URI && process.env.MLFLOW_TRACKING_URI.trim()),
  } = {},
) {
  const o = outcome;
  const m = o.metrics || {};
  const rows = o.rows || {};
  let champion;
  if (o.championMoved) {
    champion = `${o.champion} ← moved${o.previousChampion ? ` from ${o.previousChampion}` : ' (first champion)'}`;
  } else {
    champion = `${o.champion || '—'} (unchanged: validation macro-F1 not above the champion's)`;
  }
  let mlflow;
  if (o.mlflowRunId)
    mlflow = `run ${o.mlflowRunId}${o.mlflowModelVersion ? `, model version ${o.mlflowModelVersion}` : ''}`;
  else if (o.trackingError) mlflow = `FAILED: ${o.trackingError}`;
  else mlflow = trackingConfigured ? 'no run recorded' : 'off (MLFLOW_TRACKING_URI not set)';

  const lines = [];
  const row = (k, v) => lines.push(`  ${k.padEnd(18)} ${v}`);
  const title = `Training finished${elapsedMs !== undefined ? ` in ${(elapsedMs / 1000).toFixed(1)} s` : ''}`;
  lines.push(title, '  ' + '─'.repeat(Math.max(40, title.length)));
  row('version', `${o.version}   (registry ${rel(o.paths && o.paths.registryRoot, cwd)})`);
  row('model type', `${o.modelType}, ${o.rounds} rounds`);
  row('champion', champion);
  row('', `${'validation'.padEnd(12)}test`);
  row(
    'pattern-F1',
    `${fmt(m.validationPatternF1).padEnd(12)}${fmt(m.testPatternF1)}   (per-pattern macro-F1 at the last candle)`,
  );
  row('balanced acc.', `${fmt(m.validationBalancedAccuracy).padEnd(12)}${fmt(m.testBalancedAccuracy)}   (per candle)`);
  row('span-F1', `${fmt(m.validationSpanF1).padEnd(12)}${fmt(m.testSpanF1)}   (IoU >= 0.5)`);
  row('exact boundaries', `${''.padEnd(12)}${fmt(m.testExactBoundaryShare)}   (matched test spans)`);
  row('macro-F1', `${fmt(m.validationMacroF1).padEnd(12)}${fmt(m.testMacroF1)}   (row tags, background included)`);
  row('baseline macro-F1', `${''.padEnd(12)}${fmt(m.testBaselineMacroF1)}   (always the most frequent training class)`);
  row(
    'rows',
    `train ${rows.train} (balanced ${rows.trainBalanced}), validation ${rows.validation}, test ${rows.test}, purged ${rows.purged}`,
  );
  row('MLflow', mlflow);
  const p = o.paths || {};
  row('version dir', rel(p.versionDir, cwd));
  row('model file', rel(p.modelFile, cwd));
  row('metrics', rel(p.metricsFile, cwd));
  row('plots', (p.plots || []).map((x) => path.basename(x)).join(', ') || '—');
  row('dataset', `${rel(p.datasetCsv, cwd)}, ${rel(p.datasetManifest, cwd)}`);
  row('data hash', o.dataHash);
  for (const w of o.warnings || []) if (w !== o.trackingError) row('warning', w);
  return lines.join('\n') + '\n';
}

module.exports = { engine, STAGES, createProgress, runTraining, formatSummary, rel };
