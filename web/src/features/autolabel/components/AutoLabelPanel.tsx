'use client';
import { useEffect, useMemo, useState } from 'react';
import { formatCount, formatPercent, relativeTime } from '@/shared/format';
import type { Label } from '@/features/labels';
import { SimilarReportRows } from '@/features/similar';
import { autoLabelApi, type PatternInfo } from '../api';
import { matchLabel } from '../lib/patternLabels';
import type { AutoLabelRun } from '../types';

interface Props {
  datasetId: number;
  labels: Label[];
  annotator: string;
  talibCount: number;
  showTalib: boolean;
  onToggleTalib: () => void;
  /** After a run or a clear: reload spans and labels. */
  onLayerChanged: (message: string) => void | Promise<void>;
  onError: (message: string) => void;
}

/**
 * "Auto-label with TA-Lib": pick patterns (the engine's listPatterns()), run the engine's
 * autoLabel over the dataset; the spans become the TA-Lib layer and the labelling-function
 * report (count, coverage, overlaps, conflicts, precision/recall vs the human spans) is shown.
 */
export function AutoLabelPanel({
  datasetId,
  labels,
  annotator,
  talibCount,
  showTalib,
  onToggleTalib,
  onLayerChanged,
  onError,
}: Props) {
  const [patterns, setPatterns] = useState<PatternInfo[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [minStrength, setMinStrength] = useState<number | null>(null);
  const [run, setRun] = useState<AutoLabelRun | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    autoLabelApi
      .patterns()
      .then((list) => {
        setPatterns(list);
        // Preselect the patterns that have a label in the project schema.
        setChosen((current) =>
          current.size ? current : new Set(list.filter((p) => matchLabel(p.label, labels)).map((p) => p.name)),
        );
      })
      .catch((e) => onError(`Could not list TA-Lib patterns: ${(e as Error).message}`));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    setRun(null);
    autoLabelApi
      .latest(datasetId)
      .then(setRun)
      .catch(() => setRun(null));
  }, [datasetId]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return patterns.filter((p) => !f || p.name.includes(f) || p.label.includes(f));
  }, [patterns, filter]);

  const toggle = (name: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  const execute = async () => {
    setBusy(true);
    try {
      const result = await autoLabelApi.run(datasetId, { patterns: [...chosen], minStrength, annotator });
      setRun(result.run);
      await onLayerChanged(
        `TA-Lib found ${formatCount(result.spanCount)} spans${result.createdLabels.length ? `; new labels: ${result.createdLabels.join(', ')}` : ''}.`,
      );
    } catch (e) {
      onError(`Auto-label failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const clear = async () => {
    setBusy(true);
    try {
      const r = await autoLabelApi.clear(datasetId);
      await onLayerChanged(`Removed ${formatCount(r.deletedSpans)} TA-Lib spans.`);
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel-scroll" data-testid="autolabel-panel">
      <div className="panel-section">
        <h3>
          Patterns <span className="grow" />
          <button
            type="button"
            className="btn ghost small"
            onClick={() => setChosen(new Set(patterns.map((p) => p.name)))}
          >
            All
          </button>
          <button type="button" className="btn ghost small" onClick={() => setChosen(new Set())}>
            None
          </button>
        </h3>
        <input
          className="input"
          style={{ width: '100%', marginBottom: 6 }}
          placeholder={`Filter ${patterns.length} patterns…`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter patterns"
        />
        <div className="pattern-list">
          {shown.map((p) => (
            <label key={p.name} title={`${p.name} · ${p.candles} candle${p.candles === 1 ? '' : 's'}`}>
              <input type="checkbox" checked={chosen.has(p.name)} onChange={() => toggle(p.name)} />
              {p.label}
              <span className="faint">{p.candles}</span>
            </label>
          ))}
        </div>
        <div className="row" style={{ marginTop: 8 }}>
          <select
            className="select"
            value={minStrength ?? ''}
            onChange={(e) => setMinStrength(e.target.value ? Number(e.target.value) : null)}
            aria-label="Minimum strength"
          >
            <option value="">Any strength</option>
            <option value="100">Strength ≥ 100</option>
            <option value="200">Strength 200 (confirmed)</option>
          </select>
          <span className="grow" style={{ flex: 1 }} />
          <button
            type="button"
            className="btn primary"
            disabled={busy || chosen.size === 0}
            onClick={execute}
            data-testid="run-autolabel"
          >
            {busy ? 'Running…' : `Auto-label (${chosen.size})`}
          </button>
        </div>
      </div>
      <div className="panel-section">
        <h3>
          TA-Lib layer <span className="grow" />
          <label className="check" style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 500 }}>
            <input type="checkbox" checked={showTalib} onChange={onToggleTalib} /> shown
          </label>
        </h3>
        <div className="row">
          <span className="muted">
            {formatCount(talibCount)} spans, source{' '}
            <span className="source-badge" data-source="talib">
              talib
            </span>
          </span>
          <span style={{ flex: 1 }} />
          <button type="button" className="btn small" disabled={busy || talibCount === 0} onClick={clear}>
            Clear layer
          </button>
        </div>
      </div>
      <div className="panel-section">
        <h3>Labelling-function report</h3>
        {run ? (
          <>
            <div className="faint" style={{ marginBottom: 6 }}>
              {relativeTime(run.createdAt)}
              {run.summary
                ? ` · ${formatCount(run.summary.spans)} spans over ${formatCount(run.summary.candles)} candles, coverage ${formatPercent(run.summary.coverage)}, ${formatCount(run.summary.conflictCandles)} conflicting candles`
                : ''}
              {run.options.humanSpans
                ? ` · scored against ${run.options.humanSpans} human spans`
                : ' · no human spans to score against'}
            </div>
            <table className="report-table" data-testid="autolabel-report">
              <thead>
                <tr>
                  <th>Pattern</th>
                  <th title="Spans found">N</th>
                  <th title="Share of candles covered">Cov.</th>
                  <th title="Overlaps with other patterns' spans">Ovl.</th>
                  <th title="Overlaps with a pattern of the opposite direction">Cnf.</th>
                  <th title="Precision against the human spans">Prec.</th>
                  <th title="Recall against the human spans">Rec.</th>
                </tr>
              </thead>
              <tbody>
                {run.report.map((r) => (
                  <tr key={r.pattern}>
                    <td title={r.pattern}>{r.label}</td>
                    <td>{formatCount(r.count)}</td>
                    <td>{formatPercent(r.coverage)}</td>
                    <td>{formatCount(r.overlaps)}</td>
                    <td>{formatCount(r.conflicts)}</td>
                    <td>{formatPercent(r.precision, 0)}</td>
                    <td>{formatPercent(r.recall, 0)}</td>
                  </tr>
                ))}
                <SimilarReportRows datasetId={datasetId} refreshKey={run.id} />
              </tbody>
            </table>
          </>
        ) : (
          <>
            <div className="muted">No TA-Lib run for this dataset yet.</div>
            <table className="report-table">
              <tbody>
                <SimilarReportRows datasetId={datasetId} />
              </tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}
