'use client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { apiRequest } from '@/shared/apiClient';
import type { ChartController } from '@/features/chart/lib/chartController';
import type { Annotation } from '@/features/annotations/types';
import type { AnnotationStore } from '@/features/annotations/lib/annotationStore';
import type { Label } from '@/features/labels/types';
import { matchLabel } from '@/features/autolabel/lib/patternLabels';
import { isTypingTarget } from '@/features/workspace/lib/shortcuts';
import { TrainingSection } from '@/features/training/components/TrainingSection';
import { reviewedRegionsApi } from '../api';
import { PredictionBandsPrimitive } from '../lib/predictionBandsPrimitive';
import { ConfidenceStripPrimitive } from '../lib/confidenceStripPrimitive';
import { STRIP_FAINT, STRIP_STRONG, classLabel, legendEnds, stripValues, type StripMode } from '../lib/confidenceStrip';
import {
  countByKind,
  findDisagreements,
  predictionId,
  uncertainCandles,
  visiblePredictions,
  type HumanSpanLike,
  type PredSpan,
  type UncertaintyMetric,
} from '../lib/predictionLogic';

interface ModelSummary {
  version: string;
  type: string;
  aliases: string[];
  trainedAt: string;
  summary: { validationMacroF1: number; validationSpanF1: number; testMacroF1?: number | null; testSpanF1?: number | null };
}
interface PredictResponse {
  spans: Array<Omit<PredSpan, 'id'>>;
  perCandle?: { classNames: string[]; probabilities?: Array<number[] | null>; entropy: Array<number | null>; margin: Array<number | null> };
  model: { name: string; version: string; type: string; trainedAt: string };
}
interface ModelInfoResponse {
  version: string;
  aliases: string[];
  plots: string[];
  metrics: Record<string, unknown>;
}

export interface ModelPanelProps {
  hidden: boolean;
  datasetId: number | null;
  controller: ChartController | null;
  store: AnnotationStore;
  spans: readonly Annotation[];
  labels: readonly Label[];
  labelsById: ReadonlyMap<number, Label>;
  ensureLabel: (name: string) => Promise<Label>;
  /** The chart's overlay clicks are routed here. */
  clickRef: React.MutableRefObject<((id: string) => void) | null>;
  onSelectSpan: (id: string | null) => void;
  notify: (kind: 'info' | 'warning' | 'error', message: string) => void;
}

/** The confidence strip's settings, kept in the browser like the other UI preferences. */
const STRIP_KEY = 'candle.confidenceStrip';
interface StripSettings {
  on: boolean;
  mode: StripMode;
  tint: boolean;
}
const STRIP_DEFAULTS: StripSettings = { on: false, mode: 'confidence', tint: false };

function loadStripSettings(): StripSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(STRIP_KEY) ?? '{}') as Partial<StripSettings>;
    return {
      on: typeof saved.on === 'boolean' ? saved.on : STRIP_DEFAULTS.on,
      mode: saved.mode === 'uncertainty' ? 'uncertainty' : 'confidence',
      tint: typeof saved.tint === 'boolean' ? saved.tint : STRIP_DEFAULTS.tint,
    };
  } catch {
    return STRIP_DEFAULTS;
  }
}

const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '—');

/** Per-class metrics rows from a version's metrics.json (validation split). */
function classRows(metrics: Record<string, unknown>): Array<{ name: string; precision: number; recall: number; f1: number; support: number }> {
  const split = (metrics.validation ?? metrics) as Record<string, unknown>;
  const perClass = (split.perClass ?? split.per_class ?? split.classes) as unknown;
  if (Array.isArray(perClass)) return perClass.map((c) => ({ name: c.name ?? c.class ?? c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }));
  if (perClass && typeof perClass === 'object') return Object.entries(perClass as Record<string, any>).map(([name, c]) => ({ name, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }));
  return [];
}

/** The "Model" tab: train, pick a model, draw its predictions, give feedback, review uncertain regions, disagreements. */
export function ModelPanel(props: ModelPanelProps) {
  const { datasetId, controller, store, spans, labels, labelsById, notify } = props;
  const [models, setModels] = useState<ModelSummary[]>([]);
  const [modelRef, setModelRef] = useState('champion');
  const [prediction, setPrediction] = useState<PredictResponse | null>(null);
  const [predicting, setPredicting] = useState(false);
  const [predictError, setPredictError] = useState<string | null>(null);
  const [show, setShow] = useState(true);
  const [threshold, setThreshold] = useState(0.5);
  const [labelFilter, setLabelFilter] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [info, setInfo] = useState<ModelInfoResponse | null>(null);
  const [showInfo, setShowInfo] = useState(false);
  const [metric, setMetric] = useState<UncertaintyMetric>('entropy');
  const [diversity, setDiversity] = useState(5);
  const [reviewed, setReviewed] = useState<number[]>([]);
  const [times, setTimes] = useState<number[]>([]);
  const primitive = useMemo(() => new PredictionBandsPrimitive(), []);
  const strip = useMemo(() => new ConfidenceStripPrimitive(), []);
  const [stripSettings, setStripSettings] = useState<StripSettings>(STRIP_DEFAULTS);
  const stripLegendRef = useRef<HTMLDivElement>(null);

  const loadModels = useCallback(async () => {
    try {
      setModels((await apiRequest<{ models: ModelSummary[] }>('/api/models')).models);
    } catch {
      setModels([]);
    }
  }, []);
  useEffect(() => void loadModels(), [loadModels]);

  useEffect(() => {
    if (!controller) return;
    return controller.addOverlay(primitive);
  }, [controller, primitive]);
  useEffect(() => {
    if (!controller) return;
    return controller.addOverlay(strip);
  }, [controller, strip]);

  // Read after mount (the panel is also rendered on the server, without localStorage).
  useEffect(() => setStripSettings(loadStripSettings()), []);
  const updateStrip = (patch: Partial<StripSettings>) => {
    const next = { ...stripSettings, ...patch };
    localStorage.setItem(STRIP_KEY, JSON.stringify(next));
    setStripSettings(next);
  };
  // The number of cells drawn goes straight to the legend's attribute: no re-render per frame.
  useEffect(() => {
    strip.setDrawListener((cells) => {
      const el = stripLegendRef.current;
      if (el && el.dataset.cells !== String(cells)) el.dataset.cells = String(cells);
    });
    return () => strip.setDrawListener(null);
  }, [strip]);

  const runPredict = useCallback(async () => {
    if (datasetId === null) return;
    setPredicting(true);
    setPredictError(null);
    try {
      const res = await apiRequest<PredictResponse>('/api/predict', { method: 'POST', body: JSON.stringify({ datasetId, options: { model: modelRef, perCandle: true } }) });
      setPrediction(res);
    } catch (e) {
      setPrediction(null);
      setPredictError((e as Error).message);
    } finally {
      setPredicting(false);
    }
  }, [datasetId, modelRef]);

  useEffect(() => {
    setPrediction(null);
    setSelected(null);
    if (models.length) void runPredict();
  }, [runPredict, models.length]);

  useEffect(() => {
    if (datasetId === null) return;
    apiRequest<{ candles: { time: number[] } }>(`/api/datasets/${datasetId}/candles?maxPoints=200000`)
      .then((r) => setTimes(r.candles.time))
      .catch(() => setTimes([]));
  }, [datasetId]);

  useEffect(() => {
    if (!showInfo) return;
    apiRequest<ModelInfoResponse>(`/api/model/info?model=${encodeURIComponent(modelRef)}`)
      .then(setInfo)
      .catch(() => setInfo(null));
  }, [showInfo, modelRef, prediction]);

  // The regions reviewed for this dataset and model version are stored: the count survives a reload.
  const reviewedVersion = prediction?.model.version ?? null;
  useEffect(() => {
    setReviewed([]);
    if (datasetId === null || reviewedVersion === null) return;
    let current = true;
    reviewedRegionsApi
      .list(datasetId, reviewedVersion)
      .then((stored) => current && setReviewed((r) => [...new Set([...stored.map((x) => x.candleIndex), ...r])]))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [datasetId, reviewedVersion]);

  const all = useMemo<PredSpan[]>(() => (prediction?.spans ?? []).map((s) => ({ ...s, id: predictionId(s) })), [prediction]);
  const humans = useMemo<HumanSpanLike[]>(
    () => spans.filter((s) => s.source !== 'talib').map((s) => ({ id: s.id, start: s.start, end: s.end, label: labelsById.get(s.labelId)?.name ?? '?', kind: s.kind })),
    [spans, labelsById],
  );
  const modelLabels = useMemo(() => [...new Set(all.map((p) => p.label))].sort(), [all]);
  const visible = useMemo(
    () => (show ? visiblePredictions(all, { minConfidence: threshold, labels: labelFilter ? new Set([labelFilter]) : null, answered: humans }) : []),
    [all, show, threshold, labelFilter, humans],
  );
  const disagreements = useMemo(() => findDisagreements(visiblePredictions(all, { minConfidence: threshold, labels: null }), humans.filter((h) => h.kind === 'positive'), 0.8), [all, threshold, humans]);
  const counts = countByKind(disagreements);
  const candidates = useMemo(() => (prediction?.perCandle ? uncertainCandles(prediction.perCandle, metric, diversity) : []), [prediction, metric, diversity]);
  // The uncertainty strip follows the active-learning metric; the probability strip ignores it.
  const stripMetric = stripSettings.mode === 'uncertainty' ? metric : 'entropy';
  const stripVals = useMemo(
    () => (stripSettings.on && prediction?.perCandle ? stripValues(prediction.perCandle, stripSettings.mode, stripMetric) : null),
    [stripSettings.on, stripSettings.mode, prediction, stripMetric],
  );
  const selectedPred = visible.find((p) => p.id === selected) ?? null;
  const modelTag = prediction ? prediction.model.version : '';

  useEffect(() => {
    primitive.setPredictions(
      visible.map((p) => ({ id: p.id, start: p.startTime, end: p.endTime, label: p.label, confidence: p.confidence, color: matchLabel(p.label, labels)?.color ?? '#e2e8f0' })),
      modelTag,
    );
  }, [primitive, visible, labels, modelTag]);
  useEffect(() => primitive.setSelected(selectedPred?.id ?? null), [primitive, selectedPred]);
  useEffect(() => {
    const perCandle = prediction?.perCandle;
    if (!stripVals || !perCandle || !times.length) {
      strip.setData(null);
      return;
    }
    // Tinted: each class in its label's colour, as the overlay draws it (background class neutral).
    const classColors = stripSettings.tint
      ? perCandle.classNames.map((name) => {
          const label = classLabel(name);
          return label === null ? null : (matchLabel(label, labels)?.color ?? '#e2e8f0');
        })
      : null;
    strip.setData({ values: stripVals, candleTimes: times, perCandle, classColors });
  }, [strip, stripVals, prediction, times, stripSettings.tint, labels]);
  const stripLegend = stripVals ? legendEnds(stripVals) : null;

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      props.onSelectSpan(null);
      const p = all.find((x) => x.id === id);
      if (p) controller?.revealRange(p.startTime, p.endTime);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [all, controller],
  );
  props.clickRef.current = select;

  // ---- feedback -------------------------------------------------------------------------
  const feedback = useCallback(
    async (action: 'confirm' | 'correct' | 'dismiss') => {
      const p = selectedPred;
      if (!p) {
        notify('info', 'Select a prediction first (click one on the chart or in the list).');
        return;
      }
      const label = matchLabel(p.label, labels) ?? (await props.ensureLabel(p.label));
      const base = { labelId: label.id, start: p.startTime, end: p.endTime, note: `model ${modelTag}, confidence ${(p.confidence * 100).toFixed(0)}%` };
      if (action === 'dismiss') {
        store.create({ ...base, kind: 'negative', source: 'model-corrected' }, `Dismiss ${p.label} prediction`);
        setSelected(null);
      } else if (action === 'confirm') {
        const id = store.create({ ...base, source: 'model-confirmed' }, `Confirm ${p.label} prediction`);
        setSelected(null);
        props.onSelectSpan(id);
      } else {
        const id = store.create({ ...base, source: 'model-corrected' }, `Correct ${p.label} prediction`);
        setSelected(null);
        props.onSelectSpan(id);
        notify('info', 'Now fix it: drag its edges, or press a label hotkey to relabel it.');
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [selectedPred, labels, modelTag, store, notify],
  );

  // Regions reviewed under another metric or skip setting stay stored but are not counted here.
  const reviewedOfCandidates = useMemo(() => {
    const listed = new Set(candidates);
    return reviewed.filter((i) => listed.has(i)).length;
  }, [candidates, reviewed]);

  const resetReviewed = useCallback(async () => {
    if (datasetId === null || reviewedVersion === null) return;
    try {
      await reviewedRegionsApi.clear(datasetId, reviewedVersion);
      setReviewed([]);
    } catch (e) {
      notify('error', `Could not reset the reviewed regions: ${(e as Error).message}`);
    }
  }, [datasetId, reviewedVersion, notify]);

  const nextUncertain = useCallback(() => {
    if (!candidates.length || !times.length) {
      notify('info', 'No per-candle model output yet: train or pick a model first.');
      return;
    }
    const next = candidates.find((i) => !reviewed.includes(i));
    if (next === undefined) {
      notify('info', 'Every uncertain region has been reviewed.');
      return;
    }
    setReviewed((r) => [...r, next]);
    const t = times[Math.min(times.length - 1, next)];
    const t1 = times[Math.min(times.length - 1, next + 2)];
    if (datasetId !== null && reviewedVersion !== null) {
      reviewedRegionsApi
        .mark(datasetId, { modelVersion: reviewedVersion, candleIndex: next, startTime: t, endTime: t1 })
        .catch((e: Error) => notify('warning', `This review was not saved: ${e.message}`));
    }
    controller?.revealRange(t, t1);
    controller?.setDraft({ start: t, end: t1, color: '#fbbf24' });
    const over = visible.find((p) => p.startTime <= t1 && t <= p.endTime);
    setSelected(over?.id ?? null);
  }, [candidates, times, reviewed, controller, visible, notify, datasetId, reviewedVersion]);

  const keys = useRef({ feedback, nextUncertain });
  keys.current = { feedback, nextUncertain };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target, e.key) || document.querySelector('.dialog')) return;
      const k = e.key.toLowerCase();
      if (k === 'a') void keys.current.feedback('confirm');
      else if (k === 'e') void keys.current.feedback('correct');
      else if (k === 'x') void keys.current.feedback('dismiss');
      else if (k === 'u') keys.current.nextUncertain();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const champion = models.find((m) => m.aliases.includes('champion')) ?? null;
  const confusion = info?.plots.find((n) => /confusion/i.test(n) && /valid/i.test(n)) ?? info?.plots.find((n) => /confusion/i.test(n));

  return (
    <div className="model-panel" hidden={props.hidden} data-testid="model-panel">
      <TrainingSection
        datasetId={datasetId}
        champion={champion}
        onTrained={async (version) => {
          await loadModels();
          setModelRef(version);
        }}
        onPromoted={async () => {
          await loadModels();
        }}
        notify={notify}
      />

      <section className="model-section">
        <h3>Predictions</h3>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} data-testid="toggle-predictions" /> Show
          </label>
          <select value={modelRef} onChange={(e) => setModelRef(e.target.value)} data-testid="model-picker" aria-label="Model">
            <option value="champion">champion</option>
            <option value="latest">latest</option>
            {models.map((m) => (
              <option key={m.version} value={m.version}>
                {m.version} · {m.type}
                {m.aliases.length ? ` (${m.aliases.join(', ')})` : ''}
              </option>
            ))}
          </select>
          <button type="button" className="btn small" onClick={() => setShowInfo((v) => !v)} data-testid="model-info-toggle">
            Metrics
          </button>
        </div>
        <label className="row" title="Hide predictions below this confidence">
          Min confidence <input type="range" min={0} max={1} step={0.01} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} data-testid="confidence-slider" />
          <span data-testid="confidence-value">{Math.round(threshold * 100)}%</span>
        </label>
        <label className="row">
          Label
          <select value={labelFilter ?? ''} onChange={(e) => setLabelFilter(e.target.value || null)} data-testid="prediction-label-filter">
            <option value="">all labels</option>
            {modelLabels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <div className="muted" data-testid="prediction-status" data-count={visible.length} data-total={all.length}>
          {predicting ? 'Predicting…' : predictError ? predictError : prediction ? `${visible.length} of ${all.length} predictions shown · model ${prediction.model.version}` : 'No model yet: train one above.'}
        </div>
        {showInfo && info ? (
          <div className="model-info" data-testid="model-info">
            <table className="metrics">
              <thead>
                <tr>
                  <th>class</th>
                  <th>P</th>
                  <th>R</th>
                  <th>F1</th>
                  <th>n</th>
                </tr>
              </thead>
              <tbody>
                {classRows(info.metrics).map((r) => (
                  <tr key={r.name}>
                    <td>{r.name}</td>
                    <td>{pct(r.precision)}</td>
                    <td>{pct(r.recall)}</td>
                    <td>{pct(r.f1)}</td>
                    <td>{r.support}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {confusion ? <img alt="Confusion matrix" className="plot" src={`/api/model-plot?model=${encodeURIComponent(info.version)}&name=${encodeURIComponent(confusion)}`} data-testid="confusion-plot" /> : null}
          </div>
        ) : null}
        {selectedPred ? (
          <div className="pred-selected" data-testid="selected-prediction">
            <strong>{selectedPred.label}</strong> {Math.round(selectedPred.confidence * 100)}% · {modelTag}
            <div className="row">
              <button type="button" className="btn small" onClick={() => void feedback('confirm')} data-testid="pred-confirm">
                Confirm (A)
              </button>
              <button type="button" className="btn small" onClick={() => void feedback('correct')} data-testid="pred-correct">
                Correct (E)
              </button>
              <button type="button" className="btn small" onClick={() => void feedback('dismiss')} data-testid="pred-dismiss">
                Dismiss (X)
              </button>
            </div>
          </div>
        ) : null}
        <div className="row">
          <label className="check" title="A band along the bottom of the chart: the model's confidence for each candle">
            <input type="checkbox" checked={stripSettings.on} onChange={(e) => updateStrip({ on: e.target.checked })} data-testid="toggle-confidence-strip" /> Confidence strip
          </label>
          <select value={stripSettings.mode} onChange={(e) => updateStrip({ mode: e.target.value as StripMode })} aria-label="Confidence strip shows" data-testid="confidence-strip-mode" disabled={!stripSettings.on}>
            <option value="confidence">top-class probability</option>
            <option value="uncertainty">uncertainty ({metric})</option>
          </select>
          <label className="check" title="Colour each candle by its predicted label">
            <input type="checkbox" checked={stripSettings.tint} onChange={(e) => updateStrip({ tint: e.target.checked })} disabled={!stripSettings.on} data-testid="confidence-strip-tint" /> label colours
          </label>
        </div>
        {stripSettings.on ? (
          <div className="strip-legend" ref={stripLegendRef} data-testid="confidence-strip-legend" data-mode={stripSettings.mode} data-metric={metric} data-cells="0">
            {stripLegend && stripVals?.count ? (
              <>
                <span className="muted">{stripLegend.title}</span>
                <span data-testid="strip-legend-faint">{stripLegend.faint}</span>
                <span
                  className="strip-gradient"
                  style={{ background: `linear-gradient(to right, ${STRIP_FAINT}, ${stripSettings.tint ? '#94a3b8' : STRIP_STRONG[stripSettings.mode]})` }}
                />
                <span data-testid="strip-legend-strong">{stripLegend.strong}</span>
                {stripSettings.tint ? <span className="muted">hue: predicted label</span> : null}
              </>
            ) : (
              <span className="muted">{prediction ? 'This model gave no per-candle output.' : 'No predictions yet.'}</span>
            )}
          </div>
        ) : null}
        <ul className="pred-list">
          {visible.slice(0, 200).map((p) => (
            <li key={p.id}>
              <button type="button" className={`pred-row${p.id === selected ? ' selected' : ''}`} onClick={() => select(p.id)} data-testid="prediction-row">
                <span>{p.label}</span>
                <span>{Math.round(p.confidence * 100)}%</span>
                <span className="muted">{new Date(p.startTime).toISOString().slice(0, 10)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section className="model-section">
        <h3>Active learning</h3>
        <div className="row">
          <button type="button" className="btn small" onClick={nextUncertain} data-testid="next-uncertain">
            Next uncertain (U)
          </button>
          <select value={metric} onChange={(e) => setMetric(e.target.value as UncertaintyMetric)} aria-label="Uncertainty" data-testid="uncertainty-metric">
            <option value="entropy">entropy</option>
            <option value="margin">margin</option>
          </select>
          <label>
            skip ±<input type="number" min={0} max={500} value={diversity} onChange={(e) => setDiversity(Math.max(0, Number(e.target.value) || 0))} style={{ width: 48 }} /> candles
          </label>
        </div>
        <div className="row">
          <span className="muted" data-testid="reviewed-count">
            Reviewed {reviewedOfCandidates} of {candidates.length} uncertain regions
          </span>
          {reviewed.length ? (
            <button type="button" className="btn small ghost" onClick={() => void resetReviewed()} data-testid="reviewed-reset" title="Forget which regions were reviewed for this model version">
              Reset
            </button>
          ) : null}
        </div>
      </section>

      <section className="model-section">
        <h3>Disagreements</h3>
        <div className="muted" data-testid="disagreement-counts">
          label mismatch {counts['label-mismatch']} · missed by model {counts['missed-by-model']} · confident, unlabelled {counts['unlabelled-confident']}
        </div>
        <ul className="pred-list">
          {disagreements.slice(0, 100).map((d, i) => (
            <li key={`${d.kind}${d.start}${i}`}>
              <button
                type="button"
                className="pred-row"
                data-testid="disagreement-row"
                onClick={() => {
                  controller?.revealRange(d.start, d.end);
                  if (d.predictionId && visible.some((p) => p.id === d.predictionId)) setSelected(d.predictionId);
                  else if (d.spanId) props.onSelectSpan(d.spanId);
                }}
              >
                <span>{d.kind}</span>
                <span>
                  {d.humanLabel ?? ''}
                  {d.humanLabel && d.modelLabel ? ' vs ' : ''}
                  {d.modelLabel ?? ''}
                </span>
                <span className="muted">{new Date(d.start).toISOString().slice(0, 10)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
