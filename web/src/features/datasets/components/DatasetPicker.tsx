'use client';
import { formatCount } from '@/shared/format';
import type { Dataset } from '../types';

interface Props {
  datasets: Dataset[];
  value: number | null;
  onChange: (id: number) => void;
}

export function DatasetPicker({ datasets, value, onChange }: Props) {
  return (
    <select
      className="select dataset-picker"
      value={value ?? ''}
      onChange={(e) => {
        onChange(Number(e.target.value));
        e.target.blur(); // hand the keyboard back to the chart shortcuts
      }}
      aria-label="Dataset"
      data-testid="dataset-picker"
    >
      {value === null ? <option value="">Choose a dataset…</option> : null}
      {datasets.map((d) => (
        <option key={d.id} value={d.id} title={`${formatCount(d.candleCount)} candles`}>
          {d.name}
        </option>
      ))}
    </select>
  );
}
