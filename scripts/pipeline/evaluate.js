#!/usr/bin/env node
'use strict';
/**
 * DVC stage `evaluate`: turns the trained version's evaluation (its metrics.json, written by the
 * engine on validation and test) into DVC metrics and plots, after checking it:
 *
 *   <out>/metrics.json                 the headline (per-pattern macro-F1 at each pattern's last
 *                                      candle, per-candle balanced accuracy, exact-boundary share,
 *                                      per-pattern F1), macro-F1 of the row tags, accuracy, span
 *                                      precision/recall/F1 (overall and per label), baseline
 *                                      macro-F1 and rows per split; rounds
 *   <out>/plots/history.csv            validation log-loss and error per boosting round
 *   <out>/plots/classes_<split>.csv    per class: precision, recall, F1, support, PR-AUC
 *   <out>/plots/confusion_<split>.csv  one line per row (actual, predicted), for DVC's confusion template
 *   <out>/plots/*.svg                  the engine's confusion matrices and PR curves
 *
 * Checks (a mismatch fails the stage): the model card's summary equals metrics.json, and each
 * split's macro-F1 and accuracy recomputed from its confusion matrix equal the engine's.
 *
 *   node scripts/pipeline/evaluate.js --train artifacts/train --out reports
 */
const fs = require('node:fs');
const path = require('node:path');
const { stageError, stageArgs, runStage } = require('../lib/stage');

const SPLITS = ['validation', 'test'];

function readJson(file) {
  if (!fs.existsSync(file)) throw stageError('IO_ERROR', `${file} not found: run the train stage first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Macro-F1 (classes present in truth or predictions) and accuracy from confusion[true][pred]. */
function fromConfusion(confusion) {
  const k = confusion.length;
  let total = 0;
  let correct = 0;
  const f1s = [];
  for (let c = 0; c < k; c++) {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < k; r++) predicted += confusion[r][c];
    const tp = confusion[c][c];
    total += support;
    correct += tp;
    if (support > 0 || predicted > 0) f1s.push((2 * tp) / (support + predicted));
  }
  return { macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length, accuracy: correct / total };
}

function close(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function csv(header, rows) {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

async function main() {
  const args = stageArgs('evaluate', { train: 'artifacts/train', out: 'reports' });
  const modelDir = path.join(args.train, 'model');
  const metrics = readJson(path.join(modelDir, 'metrics.json'));
  const card = readJson(path.join(modelDir, 'model.json'));
  const outcome = readJson(path.join(args.train, 'outcome.json'));

  // The card's summary is what listModels/modelInfo and MLflow report: it must match metrics.json.
  const summaryChecks = [
    ['validationMacroF1', metrics.validation.macroF1],
    ['validationSpanF1', metrics.validation.spans.overall.f1],
    ['testMacroF1', metrics.test ? metrics.test.macroF1 : null],
    ['testSpanF1', metrics.test ? metrics.test.spans.overall.f1 : null],
    ['validationPatternF1', metrics.validation.headline?.patternMacroF1 ?? null],
    ['testPatternF1', metrics.test?.headline?.patternMacroF1 ?? null],
  ];
  for (const [key, value] of summaryChecks) {
    const got = card.metrics[key] ?? null;
    if (!(got === value || (got !== null && value !== null && close(got, value)))) {
      throw stageError('INTERNAL', `model.json metrics.${key} = ${got}, metrics.json says ${value}`);
    }
  }

  const out = path.resolve(args.out);
  const plots = path.join(out, 'plots');
  fs.rmSync(plots, { recursive: true, force: true });
  fs.mkdirSync(plots, { recursive: true });

  const report = {
    rounds: outcome.rounds, // kept (early stopping keeps the best round)
    rounds_trained: metrics.history.reduce((a, h) => Math.max(a, h.round), 0),
    rows: outcome.rows,
  };
  for (const split of SPLITS) {
    const m = metrics[split];
    if (!m) continue;
    const re = fromConfusion(m.confusion);
    if (!close(re.macroF1, m.macroF1) || !close(re.accuracy, m.accuracy)) {
      throw stageError(
        'INTERNAL',
        `${split}: the confusion matrix gives macro-F1 ${re.macroF1} / accuracy ${re.accuracy}, metrics.json says ${m.macroF1} / ${m.accuracy}`,
      );
    }
    const spanPerLabel = {};
    for (const [label, s] of Object.entries(m.spans.perLabel)) spanPerLabel[label] = s.f1;
    const patternPerLabel = {};
    for (const [label, s] of Object.entries(m.headline?.perPattern ?? {})) patternPerLabel[label] = s.f1;
    report[split] = {
      pattern_macro_f1: m.headline?.patternMacroF1 ?? null,
      balanced_accuracy: m.headline?.balancedAccuracy ?? null,
      exact_boundary_share: m.headline?.boundaries?.exactShare ?? null,
      pattern_f1_per_label: patternPerLabel,
      macro_f1: m.macroF1,
      accuracy: m.accuracy,
      span_f1: m.spans.overall.f1,
      span_precision: m.spans.overall.precision,
      span_recall: m.spans.overall.recall,
      baseline_macro_f1: m.baseline.macroF1,
      rows: m.rows,
      span_f1_per_label: spanPerLabel,
    };
    fs.writeFileSync(
      path.join(plots, `classes_${split}.csv`),
      csv(
        ['class', 'precision', 'recall', 'f1', 'support', 'pr_auc'],
        m.classes.map((c) => [c.label, c.precision, c.recall, c.f1, c.support, c.prAuc ?? '']),
      ),
    );
    const lines = [];
    m.confusion.forEach((row, t) =>
      row.forEach((count, p) => {
        for (let i = 0; i < count; i++) lines.push([m.labels[t], m.labels[p]]);
      }),
    );
    fs.writeFileSync(path.join(plots, `confusion_${split}.csv`), csv(['actual', 'predicted'], lines));
  }

  // Per-round validation curves; metric names differ per library (multi_logloss / mlogloss ...).
  const byRound = new Map();
  for (const h of metrics.history) {
    const col = /logloss/.test(h.name) ? 'logloss' : /error/.test(h.name) ? 'error' : null;
    if (!col) continue;
    if (!byRound.has(h.round)) byRound.set(h.round, { round: h.round });
    byRound.get(h.round)[col] = h.value;
  }
  fs.writeFileSync(
    path.join(plots, 'history.csv'),
    csv(
      ['round', 'logloss', 'error'],
      [...byRound.values()].sort((a, b) => a.round - b.round).map((r) => [r.round, r.logloss ?? '', r.error ?? '']),
    ),
  );
  for (const f of fs.readdirSync(modelDir).filter((f) => f.endsWith('.svg')))
    fs.copyFileSync(path.join(modelDir, f), path.join(plots, f));
  fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify(report, null, 2) + '\n');

  const f = (x) => (typeof x === 'number' ? x.toFixed(3) : '—');
  console.log(
    `evaluate: ${outcome.version} (${outcome.modelType}): validation pattern-F1 ${f(report.validation.pattern_macro_f1)}, span-F1 ${f(report.validation.span_f1)}, row macro-F1 ${f(report.validation.macro_f1)}` +
      (report.test
        ? `; test pattern-F1 ${f(report.test.pattern_macro_f1)}, span-F1 ${f(report.test.span_f1)}, row macro-F1 ${f(report.test.macro_f1)} (baseline ${f(report.test.baseline_macro_f1)})`
        : '') +
      ` → ${path.join(args.out, 'metrics.json')}, ${path.join(args.out, 'plots')}/`,
  );
}

runStage('evaluate', main);
