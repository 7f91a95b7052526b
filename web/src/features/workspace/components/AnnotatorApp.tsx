'use client';
import { memo, useCallback, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { formatCount } from '@/shared/format';
import { ToastStack, useToasts } from '@/shared/ui/Toasts';
import {
  CandleChart,
  ChartToolbar,
  OhlcvLegend,
  type OhlcvLegendHandle,
  type ChartCallbacks,
  type ChartController,
  type VisibleWindow,
} from '@/features/chart';
import { DatasetDialog, UploadDialog, useDatasetSelection } from '@/features/datasets';
import { LabelManager } from '@/features/labels';
import {
  AnnotationStore,
  SpanInspector,
  SpanList,
  useStoreLifecycle,
  type SpanInspectorHandle,
} from '@/features/annotations';
import { AutoLabelPanel } from '@/features/autolabel';
import { ImportExportDialog } from '@/features/interchange';
import { projectApi } from '@/features/projects';
import { ModelPanel } from '@/features/predictions';
import { LabelErrorsPanel } from '@/features/label-errors';
import { SyncProblemsPanel, useSyncProblemCount } from '@/features/labelstudio';
import type { SessionInfo } from '@/features/auth';
import { useAnnotatorName } from '../hooks/useAnnotatorName';
import { useCandleFeed } from '../hooks/useCandleFeed';
import { useChartSync } from '../hooks/useChartSync';
import { useSpanEditing } from '../hooks/useSpanEditing';
import { useWorkspaceData } from '../hooks/useWorkspaceData';
import { useWorkspaceShortcuts } from '../hooks/useWorkspaceShortcuts';
import { spanShapes } from '../lib/spans';
import { SettingsDialog } from './SettingsDialog';
import { SelectionActions } from './SelectionActions';
import { ShortcutsHelp } from './ShortcutsHelp';
import { SidebarTabs, type SidebarTab } from './SidebarTabs';
import { SimilarToSelection } from './SimilarToSelection';
import { StatusBar } from './StatusBar';
import { TopBar, type DialogName } from './TopBar';
import type { ViewInfoHandle } from './ViewInfo';

// Selecting a span re-renders this component (the inspector opens, the list marks it); selecting
// candles does not (the range being labelled is a PendingRange that the picker, the chart's draft
// and the similar panel subscribe to). These children depend on neither; re-rendering them with a
// selection was most of the 13–18 ms of React work in the frame a selection ends (bench/scale,
// SCALE_TRACE). Their props are stable between such renders (callbacks from useCallback, data from
// the store's snapshot).
const StableTopBar = memo(TopBar);
const StableModelPanel = memo(ModelPanel);
const StableLabelErrorsPanel = memo(LabelErrorsPanel);
const StableSpanList = memo(SpanList);
const StableStatusBar = memo(StatusBar);

/**
 * The annotation workspace: top bar, chart (centre), span list and tools (right), status bar.
 * `session`: who is signed in (their name is the annotator of what they change); in the
 * single-user mode the name is a local setting. Each concern lives in a hook (../hooks, and the
 * feature that owns it); this component wires them to the chart and the panels.
 */
export function AnnotatorApp({
  session,
  predictionWindowThreshold,
}: {
  session: SessionInfo;
  /** Above this many candles the model tab predicts the visible range (the server's setting). */
  predictionWindowThreshold: number;
}) {
  const signedIn = session.authRequired && session.user ? session.user : null;
  const { toasts, push: toast, dismiss } = useToasts();
  const toastRef = useRef(toast);
  toastRef.current = toast;
  const annotator = useAnnotatorName(signedIn ? signedIn.username : null);
  const currentAnnotator = annotator.current;
  const store = useMemo(
    () =>
      new AnnotationStore({
        annotator: currentAnnotator,
        notify: (n) => toastRef.current(n.kind, n.message),
      }),
    [currentAnnotator],
  );
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  useStoreLifecycle(store);

  const { datasets, project, labels, labelsById, datasetNames, reloadLabels, ensureLabel } = useWorkspaceData();
  const { dataset, chooseDataset, clearDataset } = useDatasetSelection(datasets.data);
  const timeframe = dataset?.timeframe ?? null;
  const predictionExtent = useMemo(
    () =>
      dataset && dataset.firstTime !== null && dataset.lastTime !== null
        ? { candleCount: dataset.candleCount, firstTime: dataset.firstTime, lastTime: dataset.lastTime }
        : null,
    [dataset],
  );

  const [controller, setController] = useState<ChartController | null>(null);
  const [showTalib, setShowTalib] = useState(true);
  const [panMode, setPanMode] = useState(false);
  const toggleTalib = useCallback(() => setShowTalib((v) => !v), []);
  const togglePan = useCallback(() => setPanMode((v) => !v), []);
  const [tab, setTab] = useState<SidebarTab>('spans');
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const closeDialog = () => setDialog(null);
  const [syncOpen, setSyncOpen] = useSyncProblemCount();
  const similarSearchRef = useRef<(() => void) | null>(null);
  const overlayClickRef = useRef<((id: string) => void) | null>(null);
  const predictionWindowRef = useRef<((w: VisibleWindow) => void) | null>(null);
  const legendRef = useRef<OhlcvLegendHandle>(null);
  const viewInfoRef = useRef<ViewInfoHandle>(null);
  const inspectorRef = useRef<SpanInspectorHandle>(null);
  /** A range to show once the dataset being opened has loaded (a "find similar" result). */
  const revealAfterLoad = useRef<{ start: number; end: number } | null>(null);

  const editing = useSpanEditing({
    store,
    spans: snap.spans,
    byId: snap.byId,
    controller,
    showTalib,
    notify: toast,
  });
  const { selectedSpan } = editing;
  const feed = useCandleFeed({ controller, dataset, store, revealAfterLoad, onOpen: editing.reset });

  const shapes = useMemo(() => spanShapes(snap.spans, labelsById), [snap.spans, labelsById]);
  const undo = useCallback(() => store.undo(), [store]);
  const redo = useCallback(() => store.redo(), [store]);
  const { revealSpan } = editing;
  const findSimilar = useCallback(() => {
    setTab('similar');
    similarSearchRef.current?.();
  }, []);
  const revealListedSpan = useCallback((span: { id: string }) => revealSpan(span.id), [revealSpan]);

  useChartSync(controller, {
    shapes,
    selectedId: selectedSpan?.id ?? null,
    draft: editing.pending,
    showTalib,
    panMode,
  });

  const chartCallbacks: ChartCallbacks = {
    onCrosshair: (bar) => legendRef.current?.show(bar),
    onSelectRange: editing.selectRange,
    onSpanClick: (id, layer) => {
      editing.selectSpan(id);
      setTab('spans');
      if (layer === 'talib') setShowTalib(true);
    },
    onOverlayClick: (id) => {
      setTab('model');
      overlayClickRef.current?.(id);
    },
    onResizeSpan: editing.resizeSpan,
    onVisibleWindow: (w) => {
      feed.feedRef.current?.onVisibleWindow(w);
      viewInfoRef.current?.show(w);
      predictionWindowRef.current?.(w);
    },
  };

  useWorkspaceShortcuts(controller, {
    label: ({ hotkey }) => {
      const label = labels.find((l) => l.hotkey === hotkey);
      if (label) editing.labelWith(label);
      else toast('info', `No label has hotkey ${hotkey}. Assign one under Labels.`);
    },
    pan: ({ fraction }) => controller?.panBy(fraction),
    zoom: ({ factor }) => controller?.zoom(factor),
    home: () => controller?.goToStart(),
    end: () => controller?.goToEnd(),
    fit: () => controller?.fit(),
    undo,
    redo,
    delete: editing.deleteSelected,
    escape: editing.clearSelection,
    note: () => {
      if (!selectedSpan) return;
      setTab('spans');
      setTimeout(() => inspectorRef.current?.focusNote(), 0);
    },
    'prev-span': () => editing.step(-1),
    'next-span': () => editing.step(1),
    'toggle-talib': toggleTalib,
    'toggle-pan': togglePan,
    help: () => setDialog('help'),
  });

  const humanCount = snap.spans.filter((s) => s.source !== 'talib').length;
  const talibCount = snap.spans.length - humanCount;
  const pickerLabels = useMemo(
    () => [...labels].sort((a, b) => (a.hotkey ?? 99) - (b.hotkey ?? 99) || a.name.localeCompare(b.name)),
    [labels],
  );

  return (
    <div className="app">
      <StableTopBar
        session={session}
        signedIn={!!signedIn}
        annotator={annotator.name}
        datasets={datasets.data ?? []}
        dataset={dataset}
        onChooseDataset={chooseDataset}
        snap={snap}
        onUndo={undo}
        onRedo={redo}
        onOpen={setDialog}
      />

      <main className="chart-area">
        <CandleChart onReady={setController} callbacks={chartCallbacks} />
        <OhlcvLegend
          ref={legendRef}
          title={dataset ? (dataset.symbol ?? dataset.name) : ''}
          timeframe={timeframe}
          fallback={feed.lastBar}
        />
        <ChartToolbar
          panMode={panMode}
          showTalib={showTalib}
          onZoomIn={() => controller?.zoom(0.8)}
          onZoomOut={() => controller?.zoom(1.25)}
          onFit={() => controller?.fit()}
          onHome={() => controller?.goToStart()}
          onEnd={() => controller?.goToEnd()}
          onTogglePan={togglePan}
          onToggleTalib={toggleTalib}
        />
        <SelectionActions
          pending={editing.pending}
          spanSelected={!!selectedSpan}
          labels={pickerLabels}
          timeframe={timeframe}
          controller={controller}
          onPick={editing.labelWith}
          onCancel={editing.reset}
          onFindSimilar={findSimilar}
        />
        {feed.loading ? <div className="chart-loading">Loading candles…</div> : null}
        {feed.error ? <div className="chart-loading error-text">{feed.error}</div> : null}
        {!dataset && datasets.data && datasets.data.length === 0 ? (
          <div className="chart-empty">No datasets yet. Upload a CSV to start.</div>
        ) : null}
        {datasets.error ? (
          <div className="chart-empty error-text">Could not load datasets: {datasets.error.message}</div>
        ) : null}
      </main>

      <aside className="sidebar">
        <SidebarTabs
          tab={tab}
          onTab={setTab}
          counts={{ spans: humanCount, autolabel: talibCount || '', sync: syncOpen || '' }}
        />
        <div className="panel">
          <StableModelPanel
            hidden={tab !== 'model'}
            datasetId={dataset?.id ?? null}
            extent={predictionExtent}
            timeframe={timeframe}
            predictionWindowThreshold={predictionWindowThreshold}
            visibleWindowRef={predictionWindowRef}
            controller={controller}
            store={store}
            spans={snap.spans}
            labels={labels}
            labelsById={labelsById}
            clickRef={overlayClickRef}
            onSelectSpan={editing.selectSpan}
            notify={toast}
            ensureLabel={ensureLabel}
          />
          <StableLabelErrorsPanel
            hidden={tab !== 'label-errors'}
            datasetId={dataset?.id ?? null}
            timeframe={timeframe}
            spans={snap.spans}
            labelsById={labelsById}
            store={store}
            ensureLabel={ensureLabel}
            onReveal={editing.revealSpan}
            datasetNames={datasetNames}
            onOpenDataset={chooseDataset}
            notify={toast}
          />
          <SimilarToSelection
            pending={editing.pending}
            selectedSpan={selectedSpan}
            hidden={tab !== 'similar'}
            datasetId={dataset?.id ?? null}
            timeframe={timeframe}
            labels={labels}
            store={store}
            searchRef={similarSearchRef}
            onJump={(id, start, end) => {
              if (id === dataset?.id) controller?.revealRange(start, end);
              else {
                revealAfterLoad.current = { start, end };
                chooseDataset(id);
              }
            }}
            notify={toast}
          />
          {tab === 'sync' ? (
            <SyncProblemsPanel
              hidden={false}
              onChanged={(open) => {
                setSyncOpen(open);
                void store.refresh();
              }}
              notify={toast}
            />
          ) : null}
          {tab === 'model' || tab === 'label-errors' || tab === 'sync' || tab === 'similar' ? null : tab === 'spans' ? (
            <StableSpanList
              spans={snap.spans}
              labels={labelsById}
              selectedId={editing.selectedId}
              timeframe={timeframe}
              onSelect={revealListedSpan}
            />
          ) : dataset ? (
            <AutoLabelPanel
              datasetId={dataset.id}
              labels={labels}
              annotator={annotator.current()}
              talibCount={talibCount}
              showTalib={showTalib}
              onToggleTalib={toggleTalib}
              onLayerChanged={async (message) => {
                await Promise.all([reloadLabels(), store.refresh()]);
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
              onRelabel={(labelId) =>
                store.update(selectedSpan.id, { labelId }, `Relabel as ${labelsById.get(labelId)?.name ?? 'label'}`)
              }
              onNote={(note) => store.update(selectedSpan.id, { note }, 'Edit note')}
              onDirection={(direction) => store.update(selectedSpan.id, { direction }, 'Set direction')}
              onDelete={editing.deleteSelected}
              onAccept={editing.acceptTalib}
              onClose={() => editing.selectSpan(null)}
            />
          ) : null}
        </div>
      </aside>

      <StableStatusBar
        viewInfoRef={viewInfoRef}
        timeframe={timeframe}
        overlapPolicy={project.data?.overlapPolicy}
        saveError={snap.status === 'error' ? snap.statusMessage : null}
      />

      {dialog === 'upload' ? (
        <UploadDialog
          onClose={closeDialog}
          onImported={async (created, skipped) => {
            setDialog(null);
            await datasets.reload();
            if (created[0]) chooseDataset(created[0].id);
            toast(
              'info',
              `Imported ${created.map((d) => `"${d.name}" (${formatCount(d.candleCount)} candles)`).join(', ')}${skipped ? `; ${formatCount(skipped)} invalid rows skipped` : ''}.`,
            );
          }}
        />
      ) : null}
      {dialog === 'labels' ? (
        <LabelManager
          labels={labels}
          onClose={closeDialog}
          onChanged={async () => {
            await reloadLabels();
            await store.refresh().catch(() => undefined);
          }}
        />
      ) : null}
      {dialog === 'dataset' && dataset ? (
        <DatasetDialog
          dataset={dataset}
          onClose={closeDialog}
          onSaved={async () => {
            setDialog(null);
            await datasets.reload();
          }}
          onDeleted={async () => {
            setDialog(null);
            clearDataset();
            await datasets.reload();
          }}
        />
      ) : null}
      {dialog === 'interchange' ? (
        <ImportExportDialog
          datasetId={dataset?.id ?? null}
          datasetName={dataset?.name ?? null}
          annotator={annotator.current()}
          onClose={closeDialog}
          onImported={async () => {
            await Promise.all([reloadLabels(), store.refresh().catch(() => undefined), datasets.reload()]);
          }}
        />
      ) : null}
      {dialog === 'settings' ? (
        <SettingsDialog
          annotator={annotator.name}
          signedIn={signedIn}
          project={project.data}
          onClose={closeDialog}
          onSave={async ({ annotator: name, overlapPolicy }) => {
            if (!signedIn) annotator.setName(name);
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
      {dialog === 'help' ? <ShortcutsHelp onClose={closeDialog} /> : null}
      <ToastStack toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
