'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatTime } from '@/shared/format';
import { type Annotation, type AnnotationStore } from '@/features/annotations';
import type { Label } from '@/features/labels';
import { labelErrorsApi } from '../api';
import { itemsToShow, reviewProgress, type ItemView } from '../lib/itemState';
import type { LabelErrorRun } from '../types';

export interface LabelErrorsPanelProps {
  hidden: boolean;
  datasetId: number | null;
  timeframe: string | null;
  spans: readonly Annotation[];
  labelsById: ReadonlyMap<number, Label>;
  store: AnnotationStore;
  ensureLabel: (name: string) => Promise<Label>;
  /** Selects the span and scrolls the chart to it. */
  onReveal: (annotationId: string) => void;
  /** Dataset names, for the items a check found on other datasets. */
  datasetNames: ReadonlyMap<number, string>;
  /** Opens another dataset (its items are listed once it is open). */
  onOpenDataset: (datasetId: number) => void;
  notify: (kind: 'info' | 'warning' | 'error', message: string) => void;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

const STATE_TEXT: Record<ItemView['state'], string> = {
  open: 'open',
  kept: 'kept',
  relabelled: 'relabelled',
  removed: 'removed',
};

/**
 * The "Label errors" tab: the label-error finder. A model cross-validated on the current spans scores
 * every human span by the out-of-sample probability of its own label; the least self-confident
 * come first, each one a click from the chart, with relabel / remove / keep.
 */
export function LabelErrorsPanel({
  hidden,
  datasetId,
  timeframe,
  spans,
  labelsById,
  store,
  ensureLabel,
  onReveal,
  datasetNames,
  onOpenDataset,
  notify,
}: LabelErrorsPanelProps) {
  const [preset, setPreset] = useState<'fast' | 'standard'>('fast');
  const [folds, setFolds] = useState(5);
  const [scope, setScope] = useState<'dataset' | 'all'>('dataset');
  const [talib, setTalib] = useState(false);
  const [running, setRunning] = useState<LabelErrorRun | null>(null);
  const [latest, setLatest] = useState<LabelErrorRun | null>(null);
  const [failure, setFailure] = useState<LabelErrorRun | null>(null);
  const [likelyOnly, setLikelyOnly] = useState(true);
  const [openOnly, setOpenOnly] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const poll = useCallback(
    (id: string) => {
      timer.current = setTimeout(async () => {
        try {
          const run = await labelErrorsApi.get(id);
          if (run.state === 'running') {
            setRunning(run);
            poll(id);
            return;
          }
          setRunning(null);
          if (run.state === 'succeeded') {
            setLatest(run);
            setFailure(null);
            notify(
              'info',
              `Label-error run done: ${run.summary?.likelyErrors ?? 0} of ${run.summary?.scored ?? 0} spans look mislabelled.`,
            );
          } else setFailure(run);
        } catch (e) {
          setRunning(null);
          notify('error', `Lost the label-error run: ${(e as Error).message}`);
        }
      }, 500);
    },
    [notify],
  );

  useEffect(() => {
    let alive = true;
    labelErrorsApi
      .overview()
      .then((o) => {
        if (!alive) return;
        setLatest(o.latest);
        if (o.running) {
          setRunning(o.running);
          poll(o.running.id);
        }
      })
      .catch(() => undefined);
    return () => {
      alive = false;
      if (timer.current) clearTimeout(timer.current);
    };
  }, [poll]);

  const start = async () => {
    try {
      const run = await labelErrorsApi.start({
        preset,
        folds,
        includeTalib: talib,
        ...(scope === 'dataset' && datasetId !== null ? { datasetId } : {}),
      });
      setRunning(run);
      setFailure(null);
      poll(run.id);
    } catch (e) {
      notify('error', `Could not start the label-error run: ${(e as Error).message}`);
    }
  };

  const cancel = async () => {
    if (running) await labelErrorsApi.cancel(running.id).catch(() => undefined);
  };

  const humanSpans = useMemo(() => spans.filter((s) => s.source !== 'talib' && s.kind === 'positive'), [spans]);
  const items = useMemo(
    () => (latest && datasetId !== null ? itemsToShow(latest, humanSpans, { datasetId, likelyOnly, openOnly }) : []),
    [latest, humanSpans, datasetId, likelyOnly, openOnly],
  );
  const progress = latest && datasetId !== null ? reviewProgress(latest, humanSpans, datasetId) : null;
  // Flagged items per other dataset of the run: one click opens that dataset.
  const elsewhere = useMemo(() => {
    const counts = new Map<number, number>();
    for (const i of latest?.items ?? [])
      if (i.datasetId !== datasetId && i.likelyError) counts.set(i.datasetId, (counts.get(i.datasetId) ?? 0) + 1);
    return [...counts];
  }, [latest, datasetId]);
  const current = items.find((i) => i.annotationId === selected) ?? null;

  const select = (item: ItemView) => {
    setSelected(item.annotationId);
    if (item.state !== 'removed') onReveal(item.annotationId);
  };

  const relabel = async (item: ItemView) => {
    if (!item.suggestedLabel) return;
    try {
      const label =
        (item.suggestedLabelId !== null ? labelsById.get(item.suggestedLabelId) : undefined) ??
        (await ensureLabel(item.suggestedLabel));
      const span = store.getSnapshot().byId.get(item.annotationId);
      if (!span) return;
      store.update(
        item.annotationId,
        { labelId: label.id, ...(span.source === 'model-confirmed' ? { source: 'model-corrected' as const } : {}) },
        `Relabel as ${label.name}`,
      );
    } catch (e) {
      notify('error', `Could not relabel: ${(e as Error).message}`);
    }
  };

  const remove = (item: ItemView) => store.remove(item.annotationId, 'Delete span (label errors)');

  const setKept = async (item: ItemView, kept: boolean) => {
    if (!latest) return;
    try {
      setLatest(await labelErrorsApi.review(latest.id, item.annotationId, kept ? 'kept' : 'open'));
    } catch (e) {
      notify('error', `Could not save the review: ${(e as Error).message}`);
    }
  };

  const nameOf = (item: ItemView) => labelsById.get(item.labelId)?.name ?? item.label;
  const suggestion = (item: ItemView) => (item.suggestedLabel === null ? 'no pattern' : item.suggestedLabel);

  return (
    <div className="model-panel" hidden={hidden} data-testid="label-errors">
      <section className="model-section">
        <h3>Label errors</h3>
        <p className="muted" style={{ margin: 0 }}>
          A model cross-validated on your spans scores each one by the out-of-sample probability of its own label. The
          least self-confident come first: likely mislabelled.
        </p>
        <div className="row">
          <select
            value={preset}
            onChange={(e) => setPreset(e.target.value as 'fast' | 'standard')}
            aria-label="Model preset"
            disabled={!!running}
          >
            <option value="fast">fast model</option>
            <option value="standard">standard model</option>
          </select>
          <select
            value={folds}
            onChange={(e) => setFolds(Number(e.target.value))}
            aria-label="Folds"
            disabled={!!running}
            data-testid="label-errors-folds"
          >
            {[3, 5, 10].map((k) => (
              <option key={k} value={k}>
                {k} folds
              </option>
            ))}
          </select>
          <select
            value={scope}
            onChange={(e) => setScope(e.target.value as 'dataset' | 'all')}
            aria-label="Scope"
            disabled={!!running}
          >
            <option value="dataset">this dataset</option>
            <option value="all">all datasets</option>
          </select>
          <label className="check" title="Also train on TA-Lib's spans (they are not checked themselves)">
            <input type="checkbox" checked={talib} onChange={(e) => setTalib(e.target.checked)} disabled={!!running} />{' '}
            + TA-Lib labels
          </label>
        </div>
        <div className="row">
          {running ? (
            <button type="button" className="btn small" onClick={() => void cancel()} data-testid="label-errors-cancel">
              Cancel
            </button>
          ) : (
            <button
              type="button"
              className="btn small primary"
              onClick={() => void start()}
              disabled={datasetId === null}
              data-testid="label-errors-start"
            >
              Find label errors
            </button>
          )}
          {running ? (
            <span className="muted" data-testid="label-errors-status">
              {running.stage} · {pct(running.fraction)}
            </span>
          ) : null}
        </div>
        {running ? <progress max={1} value={running.fraction} style={{ width: '100%' }} /> : null}
        {failure ? (
          <div className="muted" data-testid="label-errors-failure">
            Last run {failure.state}: {failure.error?.message}
          </div>
        ) : null}
      </section>

      {latest?.summary ? (
        <section className="model-section" data-testid="label-errors-result">
          <div className="muted" data-testid="label-errors-summary">
            {latest.summary.scored} spans scored with {latest.summary.folds}-fold cross-validation ·{' '}
            <strong>{latest.summary.likelyErrors}</strong> likely mislabelled · out-of-fold accuracy{' '}
            {latest.summary.outOfFoldAccuracy.toFixed(3)}
            {latest.summary.unscored ? ` · ${latest.summary.unscored} in the warm-up not scored` : ''} · checked{' '}
            {new Date(latest.finishedAt ?? latest.startedAt).toLocaleString()}
          </div>
          {progress ? (
            <div className="muted" data-testid="label-errors-progress">
              Reviewed {progress.done} of {progress.total} flagged spans on this dataset
            </div>
          ) : null}
          {elsewhere.length ? (
            <div className="row" data-testid="label-errors-elsewhere">
              <span className="muted">Also flagged:</span>
              {elsewhere.map(([id, n]) => (
                <button
                  key={id}
                  type="button"
                  className="btn small ghost"
                  onClick={() => onOpenDataset(id)}
                  data-testid="label-errors-open-dataset"
                >
                  {datasetNames.get(id) ?? `dataset ${id}`} ({n})
                </button>
              ))}
            </div>
          ) : null}
          <div className="row">
            <label className="check">
              <input
                type="checkbox"
                checked={likelyOnly}
                onChange={(e) => setLikelyOnly(e.target.checked)}
                data-testid="label-errors-likely-only"
              />{' '}
              likely errors only
            </label>
            <label className="check">
              <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> open only
            </label>
          </div>
          <ol className="pred-list" style={{ maxHeight: 320 }} data-testid="label-errors-items">
            {items.slice(0, 300).map((item) => (
              <li key={item.annotationId}>
                <button
                  type="button"
                  className={`pred-row${item.annotationId === selected ? ' selected' : ''}`}
                  style={{ gridTemplateColumns: 'auto 1fr auto auto', opacity: item.state === 'open' ? 1 : 0.55 }}
                  onClick={() => select(item)}
                  data-testid="label-errors-item"
                  data-state={item.state}
                  data-annotation-id={item.annotationId}
                  title={`${formatTime(item.start, timeframe)} – ${formatTime(item.end, timeframe)}`}
                >
                  <span className="muted">#{item.rank}</span>
                  <span>
                    {nameOf(item)} → {suggestion(item)}
                  </span>
                  <span title="Self-confidence: out-of-fold probability of the given label">
                    {pct(item.selfConfidence)}
                  </span>
                  <span className="muted">{STATE_TEXT[item.state]}</span>
                </button>
              </li>
            ))}
          </ol>
          {!items.length ? (
            <div className="muted">
              Nothing to review here{likelyOnly ? ' (no likely errors on this dataset)' : ''}.
            </div>
          ) : null}
          {current ? (
            <div className="pred-selected" data-testid="label-errors-selected">
              <div>
                <strong>{nameOf(current)}</strong> · {formatTime(current.start, timeframe)}
                {current.end !== current.start ? ` – ${formatTime(current.end, timeframe)}` : ''}
              </div>
              <div className="muted">
                The model gives its label {pct(current.selfConfidence)} out of sample; {suggestion(current)} gets{' '}
                {pct(current.suggestedProbability)}.
                {current.likelyError ? ' That is above what a typical span of it gets: likely mislabelled.' : ''}
              </div>
              <div className="row">
                {current.state === 'open' && current.suggestedLabel !== null ? (
                  <button
                    type="button"
                    className="btn small primary"
                    onClick={() => void relabel(current)}
                    data-testid="label-errors-relabel"
                  >
                    Relabel as {current.suggestedLabel}
                  </button>
                ) : null}
                {current.state === 'open' ? (
                  <button
                    type="button"
                    className={`btn small${current.suggestedLabel === null ? ' primary' : ''}`}
                    onClick={() => remove(current)}
                    data-testid="label-errors-remove"
                  >
                    Remove span
                  </button>
                ) : null}
                {current.state === 'open' ? (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => void setKept(current, true)}
                    data-testid="label-errors-keep"
                  >
                    Keep label
                  </button>
                ) : null}
                {current.state === 'kept' ? (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => void setKept(current, false)}
                    data-testid="label-errors-reopen"
                  >
                    Reopen
                  </button>
                ) : null}
                {current.state === 'relabelled' || current.state === 'removed' ? (
                  <span className="muted">Fixed ({current.state}); undo with Ctrl+Z.</span>
                ) : null}
              </div>
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
