'use client';
import type { ImportDetected } from '../types';
import type { ReadingOptions } from '../api';

interface Props {
  /** What the importer read (absent when the preview failed). */
  detected?: ImportDetected | null;
  reading: ReadingOptions;
  onChange: (reading: ReadingOptions) => void;
  disabled?: boolean;
}

/** The number styles one can pick, as they look. */
const NUMBER_STYLES: Array<{ label: string; value: Pick<ReadingOptions, 'decimal' | 'thousands'> }> = [
  { label: '1,234.56', value: { decimal: '.', thousands: ',' } },
  { label: '1.234,56', value: { decimal: ',', thousands: '.' } },
  { label: '1 234,56', value: { decimal: ',', thousands: ' ' } },
  { label: '1234.56', value: { decimal: '.', thousands: '' } },
  { label: '1234,56', value: { decimal: ',', thousands: '' } },
];

const numberKey = (r: Pick<ReadingOptions, 'decimal' | 'thousands'>) =>
  r.decimal === undefined ? 'auto' : `${r.decimal}|${r.thousands ?? ''}`;

function describeNumbers(d: ImportDetected): string {
  const thousands = d.thousands ? `, thousands '${d.thousands}'` : ', no thousands separator';
  return `decimal '${d.decimal}'${thousands}`;
}

/**
 * How the importer read the file — the time format and the number style — with a way to read it
 * differently: the date order (day or month first) and the number style. Every reading the
 * importer had to choose between is shown with its evidence and a one-click switch.
 */
export function ImportReading({ detected, reading, onChange, disabled }: Props) {
  const dateOrder = reading.dayFirst === undefined ? 'auto' : reading.dayFirst ? 'day' : 'month';
  return (
    <div data-testid="import-reading">
      {detected ? (
        <div className="faint" data-testid="import-reading-detected">
          Read as: time <b>{detected.timeFormat}</b> · numbers <b>{describeNumbers(detected)}</b>
        </div>
      ) : null}
      {detected?.ambiguities.map((a, i) => (
        <div key={i} className="notice warn" data-testid="import-ambiguity">
          <b>{a.kind === 'dateOrder' ? 'Date order' : 'Decimal mark'} is ambiguous</b> ({a.example}): read as {a.chosen}
          . {a.evidence}.{' '}
          <button
            type="button"
            className="btn small"
            disabled={disabled}
            onClick={() => onChange({ ...reading, ...a.switchWith } as ReadingOptions)}
            data-testid="import-ambiguity-switch"
          >
            Read as {a.alternative}
          </button>
        </div>
      ))}
      <div className="grid-3">
        <label className="field">
          Date order
          <select
            className="input"
            value={dateOrder}
            disabled={disabled}
            onChange={(e) =>
              onChange({
                ...reading,
                dayFirst: e.target.value === 'auto' ? undefined : e.target.value === 'day',
              })
            }
            data-testid="import-date-order"
          >
            <option value="auto">Detect</option>
            <option value="day">Day first (31/12/2020)</option>
            <option value="month">Month first (12/31/2020)</option>
          </select>
        </label>
        <label className="field">
          Numbers
          <select
            className="input"
            value={numberKey(reading)}
            disabled={disabled}
            onChange={(e) => {
              const style = NUMBER_STYLES.find((s) => numberKey(s.value) === e.target.value);
              onChange({ ...reading, decimal: style?.value.decimal, thousands: style?.value.thousands });
            }}
            data-testid="import-number-style"
          >
            <option value="auto">Detect</option>
            {NUMBER_STYLES.map((s) => (
              <option key={s.label} value={numberKey(s.value)}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
