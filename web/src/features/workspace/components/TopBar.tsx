'use client';
import { formatCount } from '@/shared/format';
import { keyFor } from '@/shared/shortcuts';
import { UserIcon } from '@/shared/ui/icons';
import { DatasetPicker, type Dataset } from '@/features/datasets';
import { SaveStatusBadge, type StoreSnapshot } from '@/features/annotations';
import { UserMenu, type SessionInfo } from '@/features/auth';

/** The dialogs the workspace opens. */
export type DialogName = 'upload' | 'labels' | 'dataset' | 'interchange' | 'settings' | 'help';

export interface TopBarProps {
  session: SessionInfo;
  signedIn: boolean;
  annotator: string;
  datasets: Dataset[];
  dataset: Dataset | null;
  onChooseDataset: (id: number) => void;
  snap: StoreSnapshot;
  onUndo: () => void;
  onRedo: () => void;
  onOpen: (dialog: DialogName) => void;
}

/** The top bar: dataset picker and facts, undo / redo, dialogs, who is annotating, save status. */
export function TopBar(props: TopBarProps) {
  const { dataset, snap, onOpen, annotator } = props;
  return (
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
      <DatasetPicker datasets={props.datasets} value={dataset?.id ?? null} onChange={props.onChooseDataset} />
      <button
        type="button"
        className="btn icon ghost"
        title="Dataset: rename, metadata, delete"
        aria-label="Dataset settings"
        disabled={!dataset}
        onClick={() => onOpen('dataset')}
      >
        ⋯
      </button>
      <button type="button" className="btn" onClick={() => onOpen('upload')} data-testid="open-upload">
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
      <button
        type="button"
        className="btn ghost small"
        disabled={!snap.canUndo}
        title={`${snap.undoLabel ? `Undo: ${snap.undoLabel}` : 'Undo'} (${keyFor('undo')})`}
        onClick={props.onUndo}
        aria-label="Undo"
      >
        ↶
      </button>
      <button
        type="button"
        className="btn ghost small"
        disabled={!snap.canRedo}
        title={`${snap.redoLabel ? `Redo: ${snap.redoLabel}` : 'Redo'} (${keyFor('redo')})`}
        onClick={props.onRedo}
        aria-label="Redo"
      >
        ↷
      </button>
      <button type="button" className="btn" onClick={() => onOpen('labels')} data-testid="open-labels">
        Labels
      </button>
      <button type="button" className="btn" onClick={() => onOpen('interchange')} data-testid="open-interchange">
        Import / Export
      </button>
      <button
        type="button"
        className="btn ghost"
        onClick={() => onOpen('settings')}
        title="Settings"
        data-testid="open-settings"
      >
        {props.signedIn ? (
          'Settings'
        ) : annotator ? (
          <span className="chip strong">
            <UserIcon /> {annotator}
          </span>
        ) : (
          <span className="chip warn-text">Set your name</span>
        )}
      </button>
      <UserMenu session={props.session} />
      <button
        type="button"
        className="btn ghost icon"
        onClick={() => onOpen('help')}
        title={`Keyboard shortcuts (${keyFor('help')})`}
        aria-label="Help"
      >
        ?
      </button>
      <SaveStatusBadge status={snap.status} message={snap.statusMessage} pending={snap.pendingWrites} />
    </header>
  );
}
