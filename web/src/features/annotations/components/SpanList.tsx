'use client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatTime } from '@/shared/format';
import type { Label } from '@/features/labels';
import { rowWindow, scrollTopToReveal } from '../lib/rowWindow';
import { sortSpans, type SpanSortKey } from '../lib/spanMath';
import type { Annotation } from '../types';

export type LayerFilter = 'human' | 'talib' | 'all';

interface Props {
  spans: readonly Annotation[];
  labels: ReadonlyMap<number, Label>;
  selectedId: string | null;
  timeframe: string | null;
  onSelect: (span: Annotation) => void;
}

const COLUMNS: Array<{ key: SpanSortKey; title: string }> = [
  { key: 'label', title: 'Label' },
  { key: 'start', title: 'Start' },
  { key: 'length', title: 'Length' },
  { key: 'source', title: 'Source' },
];

/** Every row is this tall (set on the row), so the rows in view follow from the scroll position alone. */
const SPAN_ROW_HEIGHT = 30;
/** Rows rendered beyond each edge of the view, so a fast scroll does not show blank space. */
const OVERSCAN_ROWS = 12;

function duration(a: Annotation): string {
  const ms = a.end - a.start;
  const days = ms / 86_400_000;
  if (ms === 0) return '1 bar';
  if (days >= 1) return `${Math.round(days)}d`;
  const hours = ms / 3_600_000;
  if (hours >= 1) return `${Math.round(hours)}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** Stands in for the rows above or below the rendered ones, so the scrollbar spans the whole list. */
function SpacerRow({ height }: { height: number }) {
  return (
    <tr aria-hidden className="span-spacer" style={{ height }}>
      <td colSpan={COLUMNS.length} />
    </tr>
  );
}

/**
 * The spans of the dataset: sortable, filterable by layer; a click selects and jumps to one. Only
 * the rows near the scroll position are in the DOM, so all of a dataset's spans are listed at the
 * cost of a screenful; a span selected elsewhere (on the chart) is scrolled into view.
 */
export function SpanList({ spans, labels, selectedId, timeframe, onSelect }: Props) {
  const [sort, setSort] = useState<{ key: SpanSortKey; desc: boolean }>({ key: 'start', desc: false });
  const [layer, setLayer] = useState<LayerFilter>('human');
  const [labelFilter, setLabelFilter] = useState<number | 'all'>('all');
  const filtered = useMemo(() => {
    const byLayer = spans.filter((s) =>
      layer === 'all' ? true : layer === 'talib' ? s.source === 'talib' : s.source !== 'talib',
    );
    const byLabel = labelFilter === 'all' ? byLayer : byLayer.filter((s) => s.labelId === labelFilter);
    return sortSpans(byLabel, sort.key, sort.desc, (id) => labels.get(id)?.name ?? '');
  }, [spans, layer, labelFilter, sort, labels]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    // The observer also reports the first size, so nothing is measured during render.
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);
  const revealed = useRef<string | null>(null);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || selectedId === null || revealed.current === selectedId) return;
    const index = filtered.findIndex((s) => s.id === selectedId);
    if (index < 0) return;
    revealed.current = selectedId;
    const header = headRef.current?.offsetHeight ?? 0;
    const top = scrollTopToReveal(index, el.scrollTop, el.clientHeight, SPAN_ROW_HEIGHT, header);
    if (top !== null) el.scrollTop = top;
  }, [selectedId, filtered]);
  const { first, end } = rowWindow(viewport.top, viewport.height, SPAN_ROW_HEIGHT, filtered.length, OVERSCAN_ROWS);
  const visible = filtered.slice(first, end);
  const counts = useMemo(
    () => ({
      human: spans.filter((s) => s.source !== 'talib').length,
      talib: spans.filter((s) => s.source === 'talib').length,
    }),
    [spans],
  );

  return (
    <>
      <div className="span-toolbar">
        <select
          className="select"
          value={layer}
          onChange={(e) => setLayer(e.target.value as LayerFilter)}
          aria-label="Layer"
        >
          <option value="human">Annotations ({counts.human})</option>
          <option value="talib">TA-Lib ({counts.talib})</option>
          <option value="all">All ({spans.length})</option>
        </select>
        <select
          className="select"
          value={labelFilter}
          onChange={(e) => setLabelFilter(e.target.value === 'all' ? 'all' : Number(e.target.value))}
          aria-label="Label filter"
          style={{ maxWidth: 130 }}
        >
          <option value="all">All labels</option>
          {[...labels.values()].map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        <span className="grow" />
        <span className="faint">{filtered.length}</span>
      </div>
      <div className="panel-scroll" data-testid="span-list" ref={scrollRef}>
        {filtered.length === 0 ? (
          <div className="empty-state">
            {layer === 'talib' ? (
              <>
                No TA-Lib spans. Run <b>Auto-label</b> to add them.
              </>
            ) : (
              <>
                No spans yet.
                <br />
                Drag across candles (or click one, then <kbd>Shift</kbd>+click another), then press a label&rsquo;s
                hotkey <kbd>1</kbd>–<kbd>9</kbd>.
              </>
            )}
          </div>
        ) : (
          <table className="span-table">
            <thead ref={headRef}>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.key}
                    aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                    onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : false }))}
                  >
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {first > 0 ? <SpacerRow height={first * SPAN_ROW_HEIGHT} /> : null}
              {visible.map((s) => {
                const label = labels.get(s.labelId);
                return (
                  <tr
                    key={s.id}
                    aria-selected={s.id === selectedId}
                    style={{ height: SPAN_ROW_HEIGHT }}
                    onClick={() => onSelect(s)}
                    data-testid="span-row"
                    data-span-id={s.id}
                  >
                    <td>
                      <span className="label-chip" style={{ ['--c' as string]: label?.color ?? '#64748b' }}>
                        <span className="swatch" />
                        {label?.name ?? '?'}
                        {s.note ? (
                          <span className="faint" title={s.note}>
                            ✎
                          </span>
                        ) : null}
                      </span>
                    </td>
                    <td className="mono">{formatTime(s.start, timeframe)}</td>
                    <td className="muted">{duration(s)}</td>
                    <td>
                      <span className="source-badge" data-source={s.source}>
                        {s.source}
                      </span>
                    </td>
                  </tr>
                );
              })}
              {end < filtered.length ? <SpacerRow height={(filtered.length - end) * SPAN_ROW_HEIGHT} /> : null}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
