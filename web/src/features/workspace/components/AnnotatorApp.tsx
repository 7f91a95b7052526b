'use client';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { formatCount } from '@/shared/format';
import { useResource } from '@/shared/useResource';
import { ToastStack, useToasts } from '@/shared/ui/Toasts';
import { UserIcon } from '@/shared/ui/icons';
import { CandleChart } from '@/features/chart/components/CandleChart';
import { ChartToolbar } from '@/features/chart/components/ChartToolbar';
import { OhlcvLegend, type OhlcvLegendHandle } from '@/features/chart/components/OhlcvLegend';
import { CandleFeed } from '@/features/chart/lib/candleFeed';
import type { BarReadout, ChartCallbacks, ChartController } from '@/features/chart/lib/chartController';
import type { SpanShape } from '@/features/chart/lib/spanBandsPrimitive';
import { datasetsApi } from '@/features/datasets/api';
import { DatasetPicker } from '@/features/datasets/components/DatasetPicker';
import { DatasetDialog } from '@/features/datasets/components/DatasetDialog';
import { UploadDialog } from '@/features/datasets/components/UploadDialog';
import { labelsApi } from '@/features/labels/api';
import { LabelManager } from '@/features/labels/components/LabelManager';
import { LabelPicker } from '@/features/labels/components/LabelPicker';
import type { Label } from '@/features/labels/types';
import { AnnotationStore } from '@/features/annotations/lib/annotationStore';
import { SaveStatusBadge } from '@/features/annotations/components/SaveStatusBadge';
import { SpanInspector, type SpanInspectorHandle } from '@/features/annotations/components/SpanInspector';
import { SpanList } from '@/features/annotations/components/SpanList';
import { AutoLabelPanel } from '@/features/autolabel/components/AutoLabelPanel';
import { ImportExportDialog } from '@/features/interchange/components/ImportExportDialog';
import { projectApi } from '@/features/projects/api';
import { ModelPanel } from '@/features/predictions/components/ModelPanel';
import { LabelCheckPanel } from '@/features/labelerrors/components/LabelCheckPanel';
import { colorForName } from '@/features/autolabel/lib/patternLabels';
import { isTypingTarget, shortcutFor } from '../lib/shortcuts';
import { SettingsDialog } from './SettingsDialog';
import { ShortcutsHelp } from './ShortcutsHelp';
import { ViewInfo, type ViewInfoHandle } from './ViewInfo';

const ANNOTATOR_KEY = 'candle.annotator';
const DATASET_KEY = 'candle.dataset';

type DialogName = 'upload' | 'labels' | 'dataset' | 'interchange' | 'settings' | 'help' | null;

function isIntraday(timeframe: string | null): boolean {
  return !!timeframe && /^\d*(s|m|h|min|H)$/.test(timeframe);
}

/** The annotation workspace: top bar, chart (centre), span list and tools (right), status bar. */
export function AnnotatorApp() {
  const { toasts, push: toast, dismiss } = useToasts();
  const toastRef = useRef(toast);
  toastRef.current = toast;
  const annotatorRef = useRef('anonymous');
  const [annotator, setAnnotatorState] = useState('');
  const store = useMemo(
    () =>
      new AnnotationStore({
        annotator: () => annotatorRef.current,
        notify: (n) => toastRef.current(n.kind, n.message),
      }),
    [],
  );
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  const datasets = useResource(datasetsApi.list);
  const labelsRes = useResource(labelsApi.list);
  const project = useResource(projectApi.get);
  const labels = useMemo(() => labelsRes.data ?? [], [labelsRes.data]);
  const labelsById = useMemo(() => new Map(labels.map((l) => [l.id, l])), [labels]);

  const [datasetId, setDatasetId] = useState<number | null>(null);
  const [controller, setController] = useState<ChartController | null>(null);
  const [chartLoading, setChartLoading] = useState(false);
  const [chartError, setChartError] = useState<string | null>(null);
  const [lastBar, setLastBar] = useState<BarReadout | null>(null);
  const [pending, setPending] = useState<{ start: number; end: number } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [showTalib, setShowTalib] = useState(true);
  const [panMode, setPanMode] = useState(false);
  const [tab, setTab] = useState<'spans' | 'autolabel' | 'model' | 'check'>('spans');
  const overlayClickRef = useRef<((id: string) => void) | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const legendRef = useRef<OhlcvLegendHandle>(null);
  const viewInfoRef = useRef<ViewInfoHandle>(null);
  const inspectorRef = useRef<SpanInspectorHandle>(null);
  const feedRef = useRef<CandleFeed | null>(null);

  // ---- settings and initial dataset -------------------------------------------------------
  useEffect(() => {
    const saved = localStorage.getItem(ANNOTATOR_KEY) ?? '';
    annotatorRef.current = saved || 'anonymous';
    setAnnotatorState(saved);
  }, []);

  const setAnnotator = (name: string) => {
    localStorage.setItem(ANNOTATOR_KEY, name);
    annotatorRef.current = name || 'anonymous';
    setAnnotatorState(name);
  };

  useEffect(() => {
    const list = datasets.data;
    if (!list) return;
    if (datasetId !== null && list.some((d) => d.id === datasetId)) return;
    const fromUrl = Number(new URLSearchParams(window.location.search).get('dataset'));
    const fromStorage = Number(localStorage.getItem(DATASET_KEY));
    const pick = list.find((d) => d.id === fromUrl) ?? list.find((d) => d.id === fromStorage) ?? list[0];
    setDatasetId(pick ? pick.id : null);
  }, [datasets.data, datasetId]);

  const dataset = datasets.data?.find((d) => d.id === datasetId) ?? null;
  const datasetNames = useMemo(() => new Map((datasets.data ?? []).map((d) => [d.id, d.name])), [datasets.data]);
  const timeframe = dataset?.timeframe ?? null;

  const chooseDataset = (id: number) => {
    setDatasetId(id);
    localStorage.setItem(DATASET_KEY, String(id));
    const url = new URL(window.location.href);
    url.searchParams.set('dataset', String(id));
    window.history.replaceState(null, '', url);
  };

  // ---- data loading -------------------------------------------------------------------------
  const datasetKey = dataset ? `${dataset.id}:${dataset.candleCount}` : null;
  useEffect(() => {
    if (!controller || !dataset) return;
    setPending(null);
    setSelectedId(null);
    setChartError(null);
    setChartLoading(true);
    void store.load(dataset.id);
    const feed = new CandleFeed(dataset.id, dataset.candleCount, ({ bars, initial }) => {
      controller.setBars(bars, initial ? { initialView: 'end', intraday: isIntraday(dataset.timeframe) } : { keepView: true });
      const n = bars.time.length;
      if (initial && n) {
        setLastBar({
          index: n - 1,
          time: bars.time[n - 1],
          endTime: bars.endTime[n - 1],
          size: bars.size[n - 1],
          open: bars.open[n - 1],
          high: bars.high[n - 1],
          low: bars.low[n - 1],
          close: bars.close[n - 1],
          volume: bars.volume[n - 1],
          changePct: n > 1 ? ((bars.close[n - 1] - bars.close[n - 2]) / bars.close[n - 2]) * 100 : null,
        });
      }
      setChartLoading(false);
    });
    feedRef.current = feed;
    feed.start().catch((e) => {
      setChartLoading(false);
      setChartError(`Could not load candles: ${(e as Error).message}`);
    });
    return () => feed.dispose();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, datasetKey, store]);

  // Another tab may have changed spans: re-read them when this one comes back.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') store.refresh().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [store]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (store.getSnapshot().pendingWrites > 0) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [store]);

  // ---- chart state ----------------------------------------------------------------------------
  const shapes = useMemo<SpanShape[]>(
    () =>
      snap.spans
        .filter((s) => s.kind === 'positive')
        .map((s) => {
          const label = labelsById.get(s.labelId);
          return { id: s.id, start: s.start, end: s.end, color: label?.color ?? '#64748b', label: label?.name ?? '?', layer: s.source === 'talib' ? 'talib' : 'human', direction: s.direction };
        }),
    [snap.spans, labelsById],
  );
  const selectedSpan = selectedId ? (snap.byId.get(selectedId) ?? null) : null;

  useEffect(() => controller?.setSpans(shapes), [controller, shapes]);
  useEffect(() => controller?.setSelectedSpan(selectedSpan ? selectedSpan.id : null), [controller, selectedSpan]);
  useEffect(() => controller?.setDraft(pending), [controller, pending]);
  useEffect(() => controller?.setLayers({ human: true, talib: showTalib }), [controller, showTalib]);
  useEffect(() => controller?.setPanMode(panMode), [controller, panMode]);

  // ---- actions ------------------------------------------------------------------------------
  const labelWith = useCallback(
    (label: Label) => {
      if (pending) {
        const id = store.create({ labelId: label.id, start: pending.start, end: pending.end }, `Label ${label.name}`);
        setPending(null);
        setSelectedId(id);
        return;
      }
      if (selectedSpan) {
        if (selectedSpan.labelId !== label.id)
          store.update(selectedSpan.id, { labelId: label.id, ...(selectedSpan.source === 'model-confirmed' ? { source: 'model-corrected' as const } : {}) }, `Relabel as ${label.name}`);
        return;
      }
      toast('info', 'Select candles first: drag across them, or click one and Shift+click another.');
    },
    [pending, selectedSpan, store, toast],
  );

  const deleteSelected = useCallback(() => {
    if (!selectedSpan) return;
    store.remove(selectedSpan.id, selectedSpan.source === 'talib' ? 'Delete TA-Lib span' : 'Delete span');
    setSelectedId(null);
  }, [selectedSpan, store]);

  const acceptTalib = useCallback(() => {
    if (!selectedSpan) return;
    const id = store.create({ labelId: selectedSpan.labelId, start: selectedSpan.start, end: selectedSpan.end, direction: selectedSpan.direction }, 'Accept TA-Lib span');
    setSelectedId(id);
  }, [selectedSpan, store]);

  /** The app label of a given name, created (from a model's suggestion) when there is none. */
  const ensureLabel = useCallback(
    async (name: string): Promise<Label> => {
      const existing = labels.find((l) => l.name === name);
      if (existing) return existing;
      const created = await labelsApi.create({ name, color: colorForName(name), hotkey: null, description: 'Created from a model suggestion.' });
      await labelsRes.reload();
      return created;
    },
    [labels, labelsRes],
  );

  const revealSpan = useCallback(
    (id: string) => {
      const span = store.getSnapshot().byId.get(id);
      if (!span) return;
      setSelectedId(id);
      setPending(null);
      controller?.revealRange(span.start, span.end);
    },
    [controller, store],
  );

  const stepSpan = useCallback(
    (dir: 1 | -1) => {
      const list = snap.spans.filter((s) => (s.source === 'talib' ? showTalib : true));
      if (!list.length) return;
      const i = selectedId ? list.findIndex((s) => s.id === selectedId) : -1;
      const next = i < 0 ? (dir > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, i + dir));
      revealSpan(list[next].id);
    },
    [snap.spans, selectedId, showTalib, revealSpan],
  );

  const chartCallbacks: ChartCallbacks = {
    onCrosshair: (bar) => legendRef.current?.show(bar),
    onSelectRange: (range) => {
      setPending(range);
      setSelectedId(null);
    },
    onSpanClick: (id, layer) => {
      setSelectedId(id);
      setPending(null);
      setTab('spans');
      if (layer === 'talib') setShowTalib(true);
    },
    onOverlayClick: (id) => {
      setTab('model');
      overlayClickRef.current?.(id);
    },
    onResizeSpan: (id, range) => {
      // Editing an accepted model suggestion makes it a correction.
      const source = store.getSnapshot().byId.get(id)?.source === 'model-confirmed' ? { source: 'model-corrected' as const } : {};
      store.update(id, { ...range, ...source }, 'Resize span');
      setSelectedId(id);
    },
    onVisibleWindow: (w) => {
      feedRef.current?.onVisibleWindow(w);
      viewInfoRef.current?.show(w);
    },
  };

  // ---- keyboard -----------------------------------------------------------------------------
  const keyState = useRef({ labelWith, deleteSelected, stepSpan, pending, selectedSpan, controller, labels });
  keyState.current = { labelWith, deleteSelected, stepSpan, pending, selectedSpan, controller, labels };
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target, e.key) || document.querySelector('.dialog')) return;
      const s = keyState.current;
      if (e.key === ' ') {
        e.preventDefault();
        s.controller?.setSpaceHeld(true);
        return;
      }
      const action = shortcutFor(e);
      if (!action) return;
      e.preventDefault();
      switch (action.type) {
        case 'label': {
          const label = s.labels.find((l) => l.hotkey === action.hotkey);
          if (label) s.labelWith(label);
          else toastRef.current('info', `No label has hotkey ${action.hotkey}. Assign one under Labels.`);
          break;
        }
        case 'pan':
          s.controller?.panBy(action.fraction);
          break;
        case 'zoom':
          s.controller?.zoom(action.factor);
          break;
        case 'home':
          s.controller?.goToStart();
          break;
        case 'end':
          s.controller?.goToEnd();
          break;
        case 'fit':
          s.controller?.fit();
          break;
        case 'undo':
          store.undo();
          break;
        case 'redo':
          store.redo();
          break;
        case 'delete':
          s.deleteSelected();
          break;
        case 'escape':
          if (s.pending) setPending(null);
          else setSelectedId(null);
          break;
        case 'note':
          if (s.selectedSpan) {
            setTab('spans');
            setTimeout(() => inspectorRef.current?.focusNote(), 0);
          }
          break;
        case 'prev-span':
          s.stepSpan(-1);
          break;
        case 'next-span':
          s.stepSpan(1);
          break;
        case 'toggle-talib':
          setShowTalib((v) => !v);
          break;
        case 'toggle-pan':
          setPanMode((v) => !v);
          break;
        case 'help':
          setDialog('help');
          break;
      }
    };
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ') keyState.current.controller?.setSpaceHeld(false);
    };
    const onBlur = () => keyState.current.controller?.setSpaceHeld(false);
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', onBlur);
    };
  }, [store]);

  // ---- render -------------------------------------------------------------------------------
  const humanCount = snap.spans.filter((s) => s.source !== 'talib').length;
  const talibCount = snap.spans.length - humanCount;
  const pickerLabels = useMemo(() => [...labels].sort((a, b) => (a.hotkey ?? 99) - (b.hotkey ?? 99) || a.name.localeCompare(b.name)), [labels]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            <i />
            <i />
            <i />
          </span>
          Candle Annotator
        </div>
        <span className="divider" />
        <DatasetPicker datasets={datasets.data ?? []} value={datasetId} onChange={chooseDataset} />
        <button type="button" className="btn icon ghost" title="Dataset: rename, metadata, delete" aria-label="Dataset settings" disabled={!dataset} onClick={() => setDialog('dataset')}>
          ⋯
        </button>
        <button type="button" className="btn" onClick={() => setDialog('upload')} data-testid="open-upload">
          ⤒ Upload CSV
        </button>
        {dataset ? (
          <div className="dataset-meta">
            {dataset.symbol ? <span className="chip strong">{dataset.symbol}</span> : null}
            {dataset.timeframe ? <span className="chip">{dataset.timeframe}</span> : null}
            <span className="chip">{formatCount(dataset.candleCount)} candles</span>
          </div>
        ) : null}
        <span className="grow" />
        <button type="button" className="btn ghost small" disabled={!snap.canUndo} title={snap.undoLabel ? `Undo: ${snap.undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'} onClick={() => store.undo()} aria-label="Undo">
          ↶
        </button>
        <button type="button" className="btn ghost small" disabled={!snap.canRedo} title={snap.redoLabel ? `Redo: ${snap.redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'} onClick={() => store.redo()} aria-label="Redo">
          ↷
        </button>
        <button type="button" className="btn" onClick={() => setDialog('labels')} data-testid="open-labels">
          Labels
        </button>
        <button type="button" className="btn" onClick={() => setDialog('interchange')} data-testid="open-interchange">
          Import / Export
        </button>
        <button type="button" className="btn ghost" onClick={() => setDialog('settings')} title="Settings" data-testid="open-settings">
          {annotator ? <span className="chip strong"><UserIcon /> {annotator}</span> : <span className="chip warn-text">Set your name</span>}
        </button>
        <button type="button" className="btn ghost icon" onClick={() => setDialog('help')} title="Keyboard shortcuts (?)" aria-label="Help">
          ?
        </button>
        <SaveStatusBadge status={snap.status} message={snap.statusMessage} pending={snap.pendingWrites} />
      </header>

      <main className="chart-area">
        <CandleChart onReady={setController} callbacks={chartCallbacks} />
        <OhlcvLegend ref={legendRef} title={dataset ? (dataset.symbol ?? dataset.name) : ''} timeframe={timeframe} fallback={lastBar} />
        <ChartToolbar
          panMode={panMode}
          showTalib={showTalib}
          onZoomIn={() => controller?.zoom(0.8)}
          onZoomOut={() => controller?.zoom(1.25)}
          onFit={() => controller?.fit()}
          onHome={() => controller?.goToStart()}
          onEnd={() => controller?.goToEnd()}
          onTogglePan={() => setPanMode((v) => !v)}
          onToggleTalib={() => setShowTalib((v) => !v)}
        />
        {pending ? (
          <LabelPicker labels={pickerLabels} range={pending} timeframe={timeframe} anchor={controller?.screenRangeOf(pending.start, pending.end) ?? null} onPick={labelWith} onCancel={() => setPending(null)} />
        ) : null}
        {chartLoading ? <div className="chart-loading">Loading candles…</div> : null}
        {chartError ? <div className="chart-loading error-text">{chartError}</div> : null}
        {!dataset && datasets.data && datasets.data.length === 0 ? (
          <div className="chart-empty">No datasets yet. Upload a CSV to start.</div>
        ) : null}
        {datasets.error ? <div className="chart-empty error-text">Could not load datasets: {datasets.error.message}</div> : null}
      </main>

      <aside className="sidebar">
        <div className="tabs" role="tablist">
          <button type="button" role="tab" className="tab" aria-selected={tab === 'spans'} onClick={() => setTab('spans')} data-testid="tab-spans">
            Spans<span className="count">{humanCount}</span>
          </button>
          <button type="button" role="tab" className="tab" aria-selected={tab === 'autolabel'} onClick={() => setTab('autolabel')} data-testid="tab-autolabel">
            Auto-label<span className="count">{talibCount || ''}</span>
          </button>
          <button type="button" role="tab" className="tab" aria-selected={tab === 'model'} onClick={() => setTab('model')} data-testid="tab-model">
            Model
          </button>
          <button type="button" role="tab" className="tab" aria-selected={tab === 'check'} onClick={() => setTab('check')} data-testid="tab-check" title="Label check: find likely mislabelled spans">
            Check
          </button>
        </div>
        <div className="panel">
          <ModelPanel
            hidden={tab !== 'model'}
            datasetId={dataset?.id ?? null}
            controller={controller}
            store={store}
            spans={snap.spans}
            labels={labels}
            labelsById={labelsById}
            clickRef={overlayClickRef}
            onSelectSpan={(id) => {
              setSelectedId(id);
              if (id) setPending(null);
            }}
            notify={(kind, message) => toast(kind, message)}
            ensureLabel={ensureLabel}
          />
          <LabelCheckPanel
            hidden={tab !== 'check'}
            datasetId={dataset?.id ?? null}
            timeframe={timeframe}
            spans={snap.spans}
            labelsById={labelsById}
            store={store}
            ensureLabel={ensureLabel}
            onReveal={revealSpan}
            datasetNames={datasetNames}
            onOpenDataset={chooseDataset}
            notify={(kind, message) => toast(kind, message)}
          />
          {tab === 'model' || tab === 'check' ? null : tab === 'spans' ? (
            <SpanList spans={snap.spans} labels={labelsById} selectedId={selectedId} timeframe={timeframe} onSelect={(s) => revealSpan(s.id)} />
          ) : dataset ? (
            <AutoLabelPanel
              datasetId={dataset.id}
              labels={labels}
              annotator={annotatorRef.current}
              talibCount={talibCount}
              showTalib={showTalib}
              onToggleTalib={() => setShowTalib((v) => !v)}
              onLayerChanged={async (message) => {
                await Promise.all([labelsRes.reload(), store.refresh()]);
                setShowTalib(true);
                toast('info', message);
              }}
              onError={(m) => toast('error', m)}
            />
          ) : null}
          {selectedSpan && tab === 'spans' ? (
            <SpanInspector
              ref={inspectorRef}
              key={selectedSpan.id}
              span={selectedSpan}
              labels={labels}
              timeframe={timeframe}
              onRelabel={(labelId) => store.update(selectedSpan.id, { labelId }, `Relabel as ${labelsById.get(labelId)?.name ?? 'label'}`)}
              onNote={(note) => store.update(selectedSpan.id, { note }, 'Edit note')}
              onDirection={(direction) => store.update(selectedSpan.id, { direction }, 'Set direction')}
              onDelete={deleteSelected}
              onAccept={acceptTalib}
              onClose={() => setSelectedId(null)}
            />
          ) : null}
        </div>
      </aside>

      <footer className="statusbar">
        <span>
          <kbd>drag</kbd> select · <kbd>1</kbd>–<kbd>9</kbd> label · <kbd>Space</kbd>+drag pan · <kbd>?</kbd> help
        </span>
        <ViewInfo ref={viewInfoRef} timeframe={timeframe} />
        <span className="spacer" />
        <span>overlaps: {project.data?.overlapPolicy === 'split' ? 'split older span' : 'allowed'}</span>
        {snap.status === 'error' && snap.statusMessage ? <span className="error-text">{snap.statusMessage}</span> : null}
      </footer>

      {dialog === 'upload' ? (
        <UploadDialog
          onClose={() => setDialog(null)}
          onImported={async (created, skipped) => {
            setDialog(null);
            await datasets.reload();
            if (created[0]) chooseDataset(created[0].id);
            toast('info', `Imported ${created.map((d) => `"${d.name}" (${formatCount(d.candleCount)} candles)`).join(', ')}${skipped ? `; ${formatCount(skipped)} invalid rows skipped` : ''}.`);
          }}
        />
      ) : null}
      {dialog === 'labels' ? (
        <LabelManager
          labels={labels}
          onClose={() => setDialog(null)}
          onChanged={async () => {
            await labelsRes.reload();
            await store.refresh().catch(() => undefined);
          }}
        />
      ) : null}
      {dialog === 'dataset' && dataset ? (
        <DatasetDialog
          dataset={dataset}
          onClose={() => setDialog(null)}
          onSaved={async () => {
            setDialog(null);
            await datasets.reload();
          }}
          onDeleted={async () => {
            setDialog(null);
            setDatasetId(null);
            await datasets.reload();
          }}
        />
      ) : null}
      {dialog === 'interchange' ? (
        <ImportExportDialog
          datasetId={dataset?.id ?? null}
          datasetName={dataset?.name ?? null}
          annotator={annotatorRef.current}
          onClose={() => setDialog(null)}
          onImported={async () => {
            await Promise.all([labelsRes.reload(), store.refresh().catch(() => undefined), datasets.reload()]);
          }}
        />
      ) : null}
      {dialog === 'settings' ? (
        <SettingsDialog
          annotator={annotator}
          project={project.data}
          onClose={() => setDialog(null)}
          onSave={async ({ annotator: name, overlapPolicy }) => {
            setAnnotator(name);
            if (project.data && project.data.overlapPolicy !== overlapPolicy) {
              try {
                await projectApi.update({ overlapPolicy });
                await project.reload();
              } catch (e) {
                toast('error', `Could not save the overlap policy: ${(e as Error).message}`);
              }
            }
            setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'help' ? <ShortcutsHelp onClose={() => setDialog(null)} /> : null}
      <ToastStack toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
