'use client';
import { formatTime } from '@/shared/format';
import type { Label } from '../types';

interface Props {
  labels: Label[];
  range: { start: number; end: number };
  timeframe: string | null;
  onPick: (label: Label) => void;
  onCancel: () => void;
}

/** Shown for a pending selection: pick a label by click or by its hotkey (1–9). */
export function LabelPicker({ labels, range, timeframe, onPick, onCancel }: Props) {
  const single = range.start === range.end;
  return (
    <div className="label-picker" data-testid="label-picker" role="dialog" aria-label="Label the selection">
      <header>
        <strong>Label selection</strong>
        <span className="mono">
          {formatTime(range.start, timeframe)}
          {single ? '' : ` → ${formatTime(range.end, timeframe)}`}
        </span>
        <span className="grow" />
        <span>
          press <kbd>1</kbd>–<kbd>9</kbd> · <kbd>Esc</kbd> cancels
        </span>
        <button type="button" className="btn ghost small" onClick={onCancel} aria-label="Cancel selection">
          ✕
        </button>
      </header>
      <div className="labels">
        {labels.map((l) => (
          <button key={l.id} type="button" className="label-option" style={{ ['--c' as string]: l.color }} onClick={() => onPick(l)} title={l.description}>
            <span className="swatch" />
            {l.name}
            {l.hotkey ? <kbd>{l.hotkey}</kbd> : null}
          </button>
        ))}
      </div>
    </div>
  );
}
