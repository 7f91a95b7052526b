'use client';
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { formatTime, relativeTime } from '@/shared/format';
import type { Label } from '@/features/labels';
import type { Annotation, Direction } from '../types';

export interface SpanInspectorHandle {
  focusNote(): void;
}

interface Props {
  span: Annotation;
  labels: Label[];
  timeframe: string | null;
  onRelabel: (labelId: number) => void;
  onNote: (note: string | null) => void;
  onDirection: (direction: Direction | null) => void;
  onDelete: () => void;
  onAccept: () => void;
  onClose: () => void;
}

/** Details of the selected span: relabel, note (autosaved while typing), direction, delete. */
export const SpanInspector = forwardRef<SpanInspectorHandle, Props>(function SpanInspector(
  { span, labels, timeframe, onRelabel, onNote, onDirection, onDelete, onAccept, onClose },
  ref,
) {
  const [note, setNote] = useState(span.note ?? '');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onNoteRef = useRef(onNote);
  onNoteRef.current = onNote;
  const pending = useRef<string | null>(null);

  useImperativeHandle(ref, () => ({ focusNote: () => noteRef.current?.focus() }), []);

  // Another edit (undo, other tab) changed the note: show it unless the user is typing.
  useEffect(() => {
    if (pending.current === null) setNote(span.note ?? '');
  }, [span.note, span.id]);

  const flush = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (pending.current !== null) {
      const value = pending.current;
      pending.current = null;
      onNoteRef.current(value.trim() ? value : null);
    }
  };
  useEffect(() => flush, [span.id]); // save a pending note when the selection changes

  const change = (value: string) => {
    setNote(value);
    pending.current = value;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(flush, 700);
  };

  const talib = span.source === 'talib';
  return (
    <section className="inspector" data-testid="span-inspector" aria-label="Selected span">
      <header>
        <strong>{talib ? 'TA-Lib span' : 'Span'}</strong>
        <span className="source-badge" data-source={span.source}>
          {span.source}
        </span>
        <span className="grow" />
        {talib ? (
          <button
            type="button"
            className="btn small"
            onClick={onAccept}
            title="Copy into your annotations as a human span"
          >
            Accept
          </button>
        ) : null}
        <button type="button" className="btn small danger" onClick={onDelete} title="Delete (Del)">
          Delete
        </button>
        <button type="button" className="btn small ghost" onClick={onClose} aria-label="Deselect (Esc)">
          ✕
        </button>
      </header>
      <div className="row">
        <select
          className="select"
          style={{ flex: 1 }}
          value={span.labelId}
          onChange={(e) => onRelabel(Number(e.target.value))}
          aria-label="Label"
        >
          {labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.hotkey ? `${l.hotkey} · ` : ''}
              {l.name}
            </option>
          ))}
        </select>
        <select
          className="select"
          value={span.direction ?? ''}
          onChange={(e) => onDirection((e.target.value || null) as Direction | null)}
          aria-label="Direction"
        >
          <option value="">No direction</option>
          <option value="bullish">Bullish ▲</option>
          <option value="bearish">Bearish ▼</option>
        </select>
      </div>
      <dl>
        <dt>From</dt>
        <dd className="mono">{formatTime(span.start, timeframe)}</dd>
        <dt>To</dt>
        <dd className="mono">{formatTime(span.end, timeframe)}</dd>
        <dt>Annotator</dt>
        <dd>{span.annotator}</dd>
        <dt>Updated</dt>
        <dd title={new Date(span.updatedAt).toISOString()}>
          {relativeTime(span.updatedAt)} · v{span.version}
        </dd>
      </dl>
      <textarea
        ref={noteRef}
        className="textarea"
        placeholder="Note (N) — why this is (or is not) a clean example…"
        value={note}
        onChange={(e) => change(e.target.value)}
        onBlur={flush}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            flush();
            (e.target as HTMLTextAreaElement).blur();
          }
        }}
        aria-label="Note"
        data-testid="span-note"
        rows={3}
      />
    </section>
  );
});
