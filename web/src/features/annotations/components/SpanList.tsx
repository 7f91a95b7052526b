'use client';
import { useMemo, useState } from 'react';
import { formatTime } from '@/shared/format';
import type { Label } from '@/features/labels';
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

function duration(a: Annotation): string {
  const ms = a.end - a.start;
  const days = ms / 86_400_000;
  if (ms === 0) return '1 bar';
  if (days >= 1) return `${Math.round(days)}d`;
  const hours = ms / 3_600_000;
  if (hours >= 1) return `${Math.round(hours)}h`;
  return `${Math.round(ms / 60_000)}m`;
}

/** The spans of the dataset: sortable, filterable by layer; a click selects and jumps to one. */
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
  const visible = filtered.slice(0, 2000);
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
      <div className="panel-scroll" data-testid="span-list">
        {visible.length === 0 ? (
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
            <thead>
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
              {visible.map((s) => {
                const label = labels.get(s.labelId);
                return (
                  <tr
                    key={s.id}
                    aria-selected={s.id === selectedId}
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
            </tbody>
          </table>
        )}
        {filtered.length > visible.length ? (
          <div className="empty-state">
            Showing the first {visible.length} of {filtered.length}.
          </div>
        ) : null}
      </div>
    </>
  );
}
