'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChartController, VisibleWindow } from '@/features/chart';
import type { Annotation, AnnotationStore } from '@/features/annotations';
import type { Label } from '@/features/labels';
import { ModelMetrics, useModelInfo, useModels } from '@/features/models';
import { TrainingSection } from '@/features/training';
import { formatCount, formatTime } from '@/shared/format';
import { useShortcuts } from '@/shared/useShortcuts';
import { stripValues } from '../lib/confidenceStrip';
import type { UncertainRegion } from '../lib/activeLearning';
import type { Disagreement } from '../lib/predictionLogic';
import type { DatasetExtent } from '../lib/predictionWindow';
import { useActiveLearning } from '../hooks/useActiveLearning';
import { useCandleTimes } from '../hooks/useCandleTimes';
import { usePrediction } from '../hooks/usePrediction';
import { usePredictionFeedback } from '../hooks/usePredictionFeedback';
import { usePredictionOverlays } from '../hooks/usePredictionOverlays';
import { usePredictionView } from '../hooks/usePredictionView';
import { useStripSettings } from '../hooks/useStripSettings';
import { ActiveLearningSection } from './ActiveLearningSection';
import { ConfidenceStripControls } from './ConfidenceStripControls';
import { DisagreementsSection } from './DisagreementsSection';
import { FallbackWarning } from './FallbackWarning';
import { PredictionControls } from './PredictionControls';
import { PredictionList, SelectedPrediction } from './PredictionList';

const NO_TIMES: readonly number[] = [];

/** The draft drawn over the region "next uncertain" shows. */
const REVIEW_DRAFT_COLOR = '#fbbf24';

export interface ModelPanelProps {
  hidden: boolean;
  datasetId: number | null;
  /** The open dataset's size and time span (null: none open, or empty). */
  extent: DatasetExtent | null;
  timeframe: string | null;
  /** Above this many candles predictions follow the visible range (lib/predictionWindow.ts). */
  predictionWindowThreshold: number;
  /** The chart's visible-window changes are routed here (the model predicts the view of big datasets). */
  visibleWindowRef: React.MutableRefObject<((window: VisibleWindow) => void) | null>;
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

/** The "Model" tab: train, pick a model, draw its predictions, give feedback, review uncertain regions, disagreements. */
export function ModelPanel(props: ModelPanelProps) {
  const { datasetId, controller, store, spans, labels, labelsById, notify, onSelectSpan } = props;
  const { models, champion, reload: reloadModels } = useModels();
  const [modelRef, setModelRef] = useState('champion');
  const {
    prediction,
    predicting,
    error: predictError,
    windowed,
    loaded,
    onVisibleWindow,
  } = usePrediction(datasetId, modelRef, models.length, props.extent, props.predictionWindowThreshold);
  props.visibleWindowRef.current = onVisibleWindow;
  const [show, setShow] = useState(true);
  const [threshold, setThreshold] = useState(0.5);
  const [labelFilter, setLabelFilter] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [showInfo, setShowInfo] = useState(false);
  const info = useModelInfo(modelRef, showInfo, prediction?.model.version ?? null);
  // Only per-candle output needs the time axis: no request (a 200k-point query on a big dataset)
  // without it. A window's prediction carries its candles' times.
  const datasetTimes = useCandleTimes(prediction?.perCandle && !windowed ? datasetId : null);
  const times = windowed ? (prediction?.candleTimes ?? NO_TIMES) : datasetTimes;
  const [stripSettings, updateStrip] = useStripSettings();

  // A new prediction is on its way: what was selected in the old one is gone.
  useEffect(() => setSelected(null), [datasetId, modelRef, models.length]);

  const { all, visible, modelLabels, disagreements, disagreementCounts } = usePredictionView(
    prediction,
    spans,
    labelsById,
    { show, minConfidence: threshold, label: labelFilter },
  );
  const selectedPred = visible.find((p) => p.id === selected) ?? null;
  const modelTag = prediction ? prediction.model.version : '';

  const revealRegion = useCallback(
    ({ startTime, endTime }: UncertainRegion) => {
      controller?.revealRange(startTime, endTime);
      controller?.setDraft({ start: startTime, end: endTime, color: REVIEW_DRAFT_COLOR });
      const over = visible.find((p) => p.startTime <= endTime && startTime <= p.endTime);
      setSelected(over?.id ?? null);
    },
    [controller, visible],
  );
  const learning = useActiveLearning({
    datasetId,
    modelVersion: prediction?.model.version ?? null,
    perCandle: prediction?.perCandle,
    candleTimes: times,
    firstIndex: prediction?.firstIndex ?? 0,
    notify,
    onReveal: revealRegion,
  });

  // The uncertainty strip follows the active-learning metric; the probability strip ignores it.
  const stripMetric = stripSettings.mode === 'uncertainty' ? learning.metric : 'entropy';
  const stripVals = useMemo(
    () =>
      stripSettings.on && prediction?.perCandle
        ? stripValues(prediction.perCandle, stripSettings.mode, stripMetric)
        : null,
    [stripSettings.on, stripSettings.mode, prediction, stripMetric],
  );
  const { stripLegendRef } = usePredictionOverlays({
    controller,
    visible,
    selectedId: selectedPred?.id ?? null,
    labels,
    modelTag,
    stripValues: stripVals,
    perCandle: prediction?.perCandle,
    candleTimes: times,
    tint: stripSettings.tint,
  });

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      onSelectSpan(null);
      const p = all.find((x) => x.id === id);
      if (p) controller?.revealRange(p.startTime, p.endTime);
    },
    [all, controller, onSelectSpan],
  );
  props.clickRef.current = select;

  const clearSelected = useCallback(() => setSelected(null), []);
  const feedback = usePredictionFeedback({
    selected: selectedPred,
    modelTag,
    labels,
    store,
    ensureLabel: props.ensureLabel,
    notify,
    onAnswered: clearSelected,
    onSelectSpan,
  });

  useShortcuts({
    'confirm-prediction': () => void feedback('confirm'),
    'correct-prediction': () => void feedback('correct'),
    'dismiss-prediction': () => void feedback('dismiss'),
    'next-uncertain': () => learning.nextUncertain(),
  });

  const openDisagreement = (d: Disagreement) => {
    controller?.revealRange(d.start, d.end);
    if (d.predictionId && visible.some((p) => p.id === d.predictionId)) setSelected(d.predictionId);
    else if (d.spanId) onSelectSpan(d.spanId);
  };

  return (
    <div className="model-panel" hidden={props.hidden} data-testid="model-panel">
      <TrainingSection
        datasetId={datasetId}
        champion={champion}
        onTrained={async (version) => {
          await reloadModels();
          setModelRef(version);
        }}
        onPromoted={async () => {
          await reloadModels();
        }}
        notify={notify}
      />

      <section className="model-section">
        <h3>Predictions</h3>
        <PredictionControls
          show={show}
          onShow={setShow}
          modelRef={modelRef}
          onModelRef={setModelRef}
          models={models}
          onToggleInfo={() => setShowInfo((v) => !v)}
          minConfidence={threshold}
          onMinConfidence={setThreshold}
          labelFilter={labelFilter}
          onLabelFilter={setLabelFilter}
          modelLabels={modelLabels}
        />
        {prediction?.fallback ? <FallbackWarning fallback={prediction.fallback} /> : null}
        <div className="muted" data-testid="prediction-status" data-count={visible.length} data-total={all.length}>
          {predicting
            ? 'Predicting…'
            : predictError
              ? predictError
              : prediction
                ? `${visible.length} of ${all.length} predictions shown · model ${prediction.model.version}`
                : 'No model yet: train one above.'}
        </div>
        {windowed ? (
          <div
            className="muted"
            data-testid="prediction-scope"
            data-from={loaded?.from ?? ''}
            data-to={loaded?.to ?? ''}
          >
            {`This dataset has ${formatCount(props.extent?.candleCount ?? 0)} candles: predictions cover the visible range only`}
            {loaded && prediction
              ? ` (${formatTime(loaded.from, props.timeframe)} – ${formatTime(loaded.to, props.timeframe)}, ${formatCount(prediction.candleCount)} candles)`
              : ''}
            {'. Panning or zooming elsewhere loads that range.'}
          </div>
        ) : null}
        {showInfo && info ? <ModelMetrics info={info} /> : null}
        {selectedPred ? (
          <SelectedPrediction prediction={selectedPred} modelTag={modelTag} onFeedback={(a) => void feedback(a)} />
        ) : null}
        <ConfidenceStripControls
          settings={stripSettings}
          onChange={updateStrip}
          metric={learning.metric}
          values={stripVals}
          hasPrediction={!!prediction}
          legendRef={stripLegendRef}
        />
        <PredictionList predictions={visible} selectedId={selected} onSelect={select} />
      </section>

      <ActiveLearningSection
        metric={learning.metric}
        onMetric={learning.setMetric}
        diversity={learning.diversity}
        onDiversity={learning.setDiversity}
        reviewedCount={learning.reviewedCount}
        candidateCount={learning.candidates.length}
        anyReviewed={learning.reviewed.length > 0}
        onNext={learning.nextUncertain}
        onReset={() => void learning.resetReviewed()}
        scopeNote={windowed ? '(within the loaded range only).' : null}
      />

      <DisagreementsSection disagreements={disagreements} counts={disagreementCounts} onOpen={openDisagreement} />
    </div>
  );
}
