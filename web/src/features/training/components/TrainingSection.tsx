'use client';
import { useEffect, useRef, useState } from 'react';
import { modelsApi, type ModelVersionSummary } from '@/features/models';
import { trainingApi } from '../api';
import type { TrainingJob } from '../types';

/** The champion as the comparison reads it. */
type Summary = Pick<ModelVersionSummary, 'version' | 'summary'>;

type SummaryKey = keyof Summary['summary'];
/**
 * The rows of the comparison table: the headline figures first (per-pattern macro-F1 at each
 * pattern's last candle, background excluded; per-candle balanced accuracy; span-F1 at IoU ≥ 0.5;
 * the share of matched test spans with both boundaries exact), then the row classifier's macro-F1
 * over its tag classes (background included). Versions trained before the headline figures show —.
 */
const METRIC_ROWS: Array<[string, SummaryKey, string]> = [
  ['val pattern-F1', 'validationPatternF1', 'per-pattern macro-F1 at each pattern’s last candle, background excluded'],
  ['val balanced acc.', 'validationBalancedAccuracy', 'per-candle balanced accuracy (background and each pattern)'],
  ['val span-F1', 'validationSpanF1', 'spans matched at IoU ≥ 0.5'],
  ['test pattern-F1', 'testPatternF1', 'per-pattern macro-F1 at each pattern’s last candle, background excluded'],
  ['test balanced acc.', 'testBalancedAccuracy', 'per-candle balanced accuracy (background and each pattern)'],
  ['test span-F1', 'testSpanF1', 'spans matched at IoU ≥ 0.5'],
  ['test exact boundaries', 'testExactBoundaryShare', 'share of matched test spans whose start and end are both exact'],
  [
    'val macro-F1 (row tags)',
    'validationMacroF1',
    'the row classifier’s macro-F1 over its tag classes, background included',
  ],
  [
    'test macro-F1 (row tags)',
    'testMacroF1',
    'the row classifier’s macro-F1 over its tag classes, background included',
  ],
];

export interface TrainingSectionProps {
  datasetId: number | null;
  champion: Summary | null;
  onTrained: (version: string) => Promise<void> | void;
  onPromoted: () => Promise<void> | void;
  notify: (kind: 'info' | 'warning' | 'error', message: string) => void;
}

const f = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(3) : '—');

/** Train from the UI: preset, scope, TA-Lib mixing → a polled job with progress, cancel, metrics vs the champion, promote. */
export function TrainingSection({ datasetId, champion, onTrained, onPromoted, notify }: TrainingSectionProps) {
  const [preset, setPreset] = useState<'fast' | 'standard'>('fast');
  const [scope, setScope] = useState<'dataset' | 'all'>('dataset');
  const [talib, setTalib] = useState(true);
  const [job, setJob] = useState<TrainingJob | null>(null);
  const [baseline, setBaseline] = useState<Summary | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  // The newest job survives a reload (jobs are stored): show it, and follow it if it still runs.
  useEffect(() => {
    let alive = true;
    trainingApi
      .list()
      .then((jobs) => {
        const newest = jobs[0];
        if (!alive || !newest) return;
        setJob((current) => current ?? newest);
        if (newest.state === 'running') poll(newest.id);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const j = await trainingApi.get(id);
        setJob(j);
        if (j.state === 'running') poll(id);
        else if (j.state === 'succeeded' && j.outcome) await onTrained(j.outcome.version);
        else if (j.state === 'failed') notify('error', `Training failed: ${j.error?.message ?? 'unknown error'}`);
      } catch (e) {
        notify('error', `Lost the training job: ${(e as Error).message}`);
      }
    }, 400);
  };

  const start = async () => {
    try {
      setBaseline(champion);
      const body = { preset, includeTalib: talib, ...(scope === 'dataset' && datasetId !== null ? { datasetId } : {}) };
      const j = await trainingApi.start(body);
      setJob(j);
      poll(j.id);
    } catch (e) {
      notify('error', `Could not start training: ${(e as Error).message}`);
    }
  };

  const cancel = async () => {
    if (job) await trainingApi.cancel(job.id).catch(() => undefined);
  };

  const promote = async () => {
    if (!job?.outcome) return;
    try {
      await modelsApi.promote(job.outcome.version);
      notify('info', `${job.outcome.version} is now the champion.`);
      await onPromoted();
      setJob({ ...job, outcome: { ...job.outcome, championMoved: true, champion: job.outcome.version } });
    } catch (e) {
      notify('error', `Promote failed: ${(e as Error).message}`);
    }
  };

  const running = job?.state === 'running';
  const m = job?.outcome?.metrics;
  const c = baseline && baseline.version !== job?.outcome?.version ? baseline.summary : null;
  return (
    <section className="model-section" data-testid="training-section">
      <h3>Train</h3>
      <div className="row">
        <select
          value={preset}
          onChange={(e) => setPreset(e.target.value as 'fast' | 'standard')}
          data-testid="train-preset"
          aria-label="Preset"
          disabled={running}
        >
          <option value="fast">fast (20 rounds)</option>
          <option value="standard">standard (200 rounds)</option>
        </select>
        <select
          value={scope}
          onChange={(e) => setScope(e.target.value as 'dataset' | 'all')}
          aria-label="Scope"
          disabled={running}
        >
          <option value="dataset">this dataset</option>
          <option value="all">all datasets</option>
        </select>
        <label className="check">
          <input type="checkbox" checked={talib} onChange={(e) => setTalib(e.target.checked)} disabled={running} /> +
          TA-Lib labels
        </label>
      </div>
      <div className="row">
        {running ? (
          <button type="button" className="btn small" onClick={() => void cancel()} data-testid="train-cancel">
            Cancel
          </button>
        ) : (
          <button type="button" className="btn small primary" onClick={() => void start()} data-testid="train-start">
            Train
          </button>
        )}
        {job ? (
          <span className="muted" data-testid="train-status" data-state={job.state}>
            {job.state} · {job.stage} · {Math.round(job.fraction * 100)}%
          </span>
        ) : null}
      </div>
      {running ? <progress max={1} value={job.fraction} style={{ width: '100%' }} /> : null}
      {job?.state === 'succeeded' && m ? (
        <div data-testid="train-result">
          <table className="metrics">
            <thead>
              <tr>
                <th />
                <th>{job.outcome!.version} (new)</th>
                <th>{c ? `${baseline!.version} (champion)` : 'champion'}</th>
              </tr>
            </thead>
            <tbody>
              {METRIC_ROWS.map(([name, key, title]) => (
                <tr key={key} title={title}>
                  <td>{name}</td>
                  <td>{f(m[key])}</td>
                  <td>{f(c?.[key])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <span className="muted">
              {job.spans.exported} spans ({job.spans.negatives} negatives) exported
              {job.spans.dropped ? `, ${job.spans.dropped} conflicting dropped` : ''}
            </span>
            {job.outcome!.champion === job.outcome!.version ? (
              <span className="chip strong" data-testid="train-champion">
                champion
              </span>
            ) : (
              <button type="button" className="btn small" onClick={() => void promote()} data-testid="train-promote">
                Promote
              </button>
            )}
          </div>
        </div>
      ) : null}
      {job?.state === 'failed' || job?.state === 'cancelled' ? <div className="muted">{job.error?.message}</div> : null}
    </section>
  );
}
