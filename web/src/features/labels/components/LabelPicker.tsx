'use client';
import { useState } from 'react';
import { formatTime } from '@/shared/format';
import type { Label } from '../types';

interface Props {
  labels: Label[];
  range: { start: number; end: number };
  timeframe: string | null;
  /** The selection on screen (px in the chart area), to place the menu beside it. */
  anchor: { x0: number; x1: number; width: number } | null;
  onPick: (label: Label) => void;
  onCancel: () => void;
}

const MENU_WIDTH = 230;

/**
 * Shown for a pending selection. A range gets a menu beside it: pick a label by click or by its
 * hotkey (1–9). A single clicked candle is usually the first of a range (Shift+click the last),
 * so it only gets a slim bar at the top that keeps the chart free; the menu opens on demand.
 */
export function LabelPicker({ labels, range, timeframe, anchor, onPick, onCancel }: Props) {
  const single = range.start === range.end;
  const [expanded, setExpanded] = useState(false);

  if (single && !expanded) {
    return (
      <div
        className="label-picker-bar"
        data-testid="label-picker"
        data-compact="true"
        role="dialog"
        aria-label="Label the selected candle"
      >
        <span className="mono">{formatTime(range.start, timeframe)}</span>
        <span className="muted">
          1 candle · <kbd>Shift</kbd>+click the last candle of the pattern, or press <kbd>1</kbd>–<kbd>9</kbd>
        </span>
        <button type="button" className="btn small" onClick={() => setExpanded(true)}>
          Labels ▾
        </button>
        <button
          type="button"
          className="btn ghost small"
          onClick={onCancel}
          aria-label="Cancel selection"
          title="Cancel (Esc)"
        >
          ✕
        </button>
      </div>
    );
  }

  let left = 16;
  if (anchor) {
    const right = anchor.x1 + 10;
    const leftSide = anchor.x0 - 10 - MENU_WIDTH;
    left = right + MENU_WIDTH < anchor.width ? right : leftSide >= 8 ? leftSide : 8;
  }
  return (
    <div
      className="label-picker"
      style={{ left, width: MENU_WIDTH }}
      data-testid="label-picker"
      role="dialog"
      aria-label="Label the selection"
    >
      <header>
        <div>
          <strong>Label as…</strong>
          <div className="mono faint">
            {formatTime(range.start, timeframe)}
            {single ? '' : ` → ${formatTime(range.end, timeframe)}`}
          </div>
        </div>
        <button
          type="button"
          className="btn ghost small"
          onClick={onCancel}
          aria-label="Cancel selection"
          title="Cancel (Esc)"
        >
          ✕
        </button>
      </header>
      <div className="labels" role="menu">
        {labels.map((l) => (
          <button
            key={l.id}
            type="button"
            role="menuitem"
            className="label-option"
            style={{ ['--c' as string]: l.color }}
            onClick={() => onPick(l)}
            title={l.description}
          >
            <span className="swatch" />
            <span className="name">{l.name}</span>
            {l.hotkey ? <kbd>{l.hotkey}</kbd> : null}
          </button>
        ))}
      </div>
    </div>
  );
}
