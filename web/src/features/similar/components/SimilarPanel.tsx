'use client';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type MutableRefObject } from 'react';
import { formatCount, formatPercent, formatTime } from '@/shared/format';
import type { AnnotationStore } from '@/features/annotations';
import type { Label } from '@/features/labels';
import { similarApi } from '../api';
import type { SimilarMatchView, SimilarResponse } from '../types';
import { MiniChart } from './MiniChart';

interface Props {
  hidden: boolean;
  datasetId: number | null;
  timeframe: string | null;
  /** The span to search for: the current selection, or the selected span. */
  query: { start: number; end: number } | null;
  /** The selected span's label, preselected as the label to look for. */
  queryLabelId: number | null;
  labels: Label[];
  store: AnnotationStore;
  /** Set here: runs the search (the workspace's "Find similar" button calls it). */
  searchRef: MutableRefObject<(() => void) | null>;
  onJump: (datasetId: number, start: number, end: number) => void;
  notify: (kind: 'info' | 'error', message: string) => void;
}

const keyOf = (m: SimilarMatchView) => `${m.datasetId}:${m.start}`;

/**
 * "Find similar": the query span's shape searched across every dataset (the engine's findSimilar).
 * Results are ranked with thumbnails; each can be jumped to, accepted (a span with source
 * `similar`, undoable like any edit) or rejected; all open results above a similarity can be
 * accepted at once. The search's labelling-function report is shown like TA-Lib's.
 */
export function SimilarPanel({
  hidden,
  datasetId,
  timeframe,
  query,
  queryLabelId,
  labels,
  store,
  searchRef,
  onJump,
  notify,
}: Props) {
  useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const [labelId, setLabelId] = useState<number | null>(queryLabelId);
  const [channels, setChannels] = useState<'close' | 'ohlcv'>('close');
  const [stretch, setStretch] = useState(0.2);
  const [dtw, setDtw] = useState(false);
  const [threshold, setThreshold] = useState(0.97);
  const [result, setResult] = useState<SimilarResponse | null>(null);
  const [busy, setBusy] = useState(false);
  /** Per result: the span it was accepted as, or 'rejected'. */
  const [decisions, setDecisions] = useState<Map<string, string>>(new Map());
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    if (queryLabelId !== null) setLabelId(queryLabelId);
  }, [queryLabelId]);

  const label = labels.find((l) => l.id === labelId) ?? null;

  const search = useCallback(async () => {
    if (datasetId === null || !query) {
      notify('info', 'Select candles (drag across them) or a span first, then Find similar.');
      return;
    }
    abortRef.current?.abort();
    const abort = new AbortController();
    abortRef.current = abort;
    setBusy(true);
    try {
      const response = await similarApi.find(
        {
          datasetId,
          start: query.start,
          end: query.end,
          ...(labelId !== null ? { labelId } : {}),
          channels,
          stretch,
          dtw,
          maxResults: 30,
        },
        abort.signal,
      );
      setResult(response);
      setDecisions(new Map());
    } catch (e) {
      if (!abort.signal.aborted) notify('error', `Find similar failed: ${(e as Error).message}`);
    } finally {
      if (abortRef.current === abort) {
        abortRef.current = null;
        setBusy(false);
      }
    }
  }, [datasetId, query, labelId, channels, stretch, dtw, notify]);

  useEffect(() => {
    searchRef.current = () => void search();
    return () => {
      searchRef.current = null;
    };
  }, [search, searchRef]);
  useEffect(() => () => abortRef.current?.abort(), []);

  /** A result's state: accepted while its span lives (an undo reopens it), rejected, or open. */
  const stateOf = (m: SimilarMatchView): 'accepted' | 'rejected' | 'labelled' | 'open' => {
    const decision = decisions.get(keyOf(m));
    if (decision === 'rejected') return 'rejected';
    if (decision && store.spanAnywhere(decision)) return 'accepted';
    return m.labelled ? 'labelled' : 'open';
  };

  const requireLabel = (): Label | null => {
    if (!label) notify('info', 'Pick the label the matches get first.');
    return label;
  };

  const decide = (m: SimilarMatchView, value: string) => setDecisions((d) => new Map(d).set(keyOf(m), value));

  const accept = (m: SimilarMatchView) => {
    const l = requireLabel();
    if (!l) return;
    const id = store.create(
      { datasetId: m.datasetId, labelId: l.id, start: m.start, end: m.end, source: 'similar' },
      `Accept similar ${l.name}`,
    );
    decide(m, id);
  };

  const aboveThreshold = useMemo(
    () => (result?.matches ?? []).filter((m) => m.similarity >= threshold && stateOf(m) === 'open'),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result, threshold, decisions, store.getSnapshot()],
  );

  const acceptAll = () => {
    const l = requireLabel();
    if (!l || !aboveThreshold.length) return;
    const ids = store.createMany(
      aboveThreshold.map((m) => ({
        datasetId: m.datasetId,
        labelId: l.id,
        start: m.start,
        end: m.end,
        source: 'similar',
      })),
      `Accept ${aboveThreshold.length} similar ${l.name}`,
    );
    setDecisions((d) => {
      const next = new Map(d);
      aboveThreshold.forEach((m, i) => next.set(keyOf(m), ids[i]));
      return next;
    });
  };

  const report = result?.report;
  return (
    <div className="model-panel" hidden={hidden} data-testid="similar-panel">
      <section className="model-section">
        <h3>Find similar</h3>
        <p className="muted" style={{ margin: 0 }}>
          {query
            ? `Query: ${formatTime(query.start, timeframe)} – ${formatTime(query.end, timeframe)}. `
            : 'Select candles or a span, then search every dataset for the same shape. '}
          Shapes are compared scale- and offset-free.
        </p>
        <div className="row">
          <select
            className="select"
            value={labelId ?? ''}
            onChange={(e) => setLabelId(e.target.value ? Number(e.target.value) : null)}
            aria-label="Label of the matches"
            data-testid="similar-label"
          >
            <option value="">Label…</option>
            {labels.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
          <select
            className="select"
            value={channels}
            onChange={(e) => setChannels(e.target.value as 'close' | 'ohlcv')}
            aria-label="Compared on"
          >
            <option value="close">Close</option>
            <option value="ohlcv">OHLC + volume</option>
          </select>
          <select
            className="select"
            value={stretch}
            onChange={(e) => setStretch(Number(e.target.value))}
            aria-label="Length tolerance"
          >
            <option value={0}>Same length</option>
            <option value={0.1}>±10 % length</option>
            <option value={0.2}>±20 % length</option>
            <option value={0.3}>±30 % length</option>
          </select>
          <label className="check" title="Dynamic time warping (band 10 %)">
            <input type="checkbox" checked={dtw} onChange={(e) => setDtw(e.target.checked)} /> DTW
          </label>
        </div>
        <div className="row">
          <button
            type="button"
            className="btn primary"
            disabled={busy || !query}
            onClick={() => void search()}
            data-testid="similar-search"
          >
            {busy ? 'Searching…' : 'Find similar'}
          </button>
          {busy ? (
            <button type="button" className="btn small" onClick={() => abortRef.current?.abort()}>
              Cancel
            </button>
          ) : null}
          {result ? (
            <span className="faint" data-testid="similar-stats">
              {formatCount(result.stats.windows)} windows of {result.stats.datasets} datasets in{' '}
              {result.stats.elapsedMs} ms
            </span>
          ) : null}
        </div>
      </section>

      {result ? (
        <>
          <section className="model-section">
            <div className="row">
              <MiniChart candles={result.query.thumbnail} />
              <span className="muted">
                the query, {result.query.candles} candles; lengths searched {result.stats.lengths.join(', ')}
              </span>
            </div>
            <div className="row">
              <span className="muted">Accept all at ≥</span>
              <input
                className="input"
                type="number"
                min={0}
                max={1}
                step={0.01}
                value={threshold}
                onChange={(e) => setThreshold(Math.min(1, Math.max(0, Number(e.target.value) || 0)))}
                aria-label="Similarity threshold"
                style={{ width: 70 }}
              />
              <button
                type="button"
                className="btn small"
                disabled={!aboveThreshold.length}
                onClick={acceptAll}
                data-testid="similar-accept-all"
              >
                Accept {aboveThreshold.length}
              </button>
            </div>
            <ol className="similar-list" data-testid="similar-results">
              {result.matches.map((m) => {
                const state = stateOf(m);
                return (
                  <li key={keyOf(m)} className="similar-item" data-state={state} data-testid="similar-result">
                    <MiniChart candles={m.thumbnail} />
                    <div className="similar-meta">
                      <strong>
                        #{m.rank} {formatPercent(m.similarity)}
                      </strong>{' '}
                      <span className="faint">{m.datasetName}</span>
                      <div className="faint">
                        {formatTime(m.start, timeframe)} – {formatTime(m.end, timeframe)} · {m.candles} candles
                      </div>
                      {state !== 'open' ? <span className="chip">{state}</span> : null}
                    </div>
                    <div className="similar-actions">
                      <button
                        type="button"
                        className="btn small"
                        title="Show it on the chart"
                        onClick={() => onJump(m.datasetId, m.start, m.end)}
                        data-testid="similar-jump"
                      >
                        ⤢
                      </button>
                      <button
                        type="button"
                        className="btn small"
                        title="Accept: a span with source 'similar'"
                        disabled={state !== 'open'}
                        onClick={() => accept(m)}
                        data-testid="similar-accept"
                      >
                        ✓
                      </button>
                      <button
                        type="button"
                        className="btn small"
                        title="Reject"
                        disabled={state !== 'open'}
                        onClick={() => decide(m, 'rejected')}
                        data-testid="similar-reject"
                      >
                        ✕
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
          </section>
          {report ? (
            <section className="model-section">
              <h3>Labelling-function report</h3>
              <table className="report-table" data-testid="similar-report">
                <thead>
                  <tr>
                    <th>Function</th>
                    <th title="Spans found">N</th>
                    <th title="Share of candles covered">Cov.</th>
                    <th title="Overlaps with TA-Lib spans">Ovl.</th>
                    <th title="Overlaps with people's spans of another label (or dismissed ones)">Cnf.</th>
                    <th title="Share overlapping people's spans of the label">Prec.</th>
                    <th title="Share of people's spans of the label found">Rec.</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td>similar: {report.label ?? '(no label)'}</td>
                    <td>{formatCount(report.count)}</td>
                    <td>{formatPercent(report.coverage)}</td>
                    <td>{formatCount(report.overlaps)}</td>
                    <td>{report.conflicts === null ? '–' : formatCount(report.conflicts)}</td>
                    <td>{formatPercent(report.precision, 0)}</td>
                    <td>{formatPercent(report.recall, 0)}</td>
                  </tr>
                </tbody>
              </table>
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
