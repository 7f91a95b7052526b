'use client';
import { useState } from 'react';
import { formatCount, formatTime } from '@/shared/format';
import { Dialog } from '@/shared/ui/Dialog';
import { datasetsApi } from '../api';
import type { Dataset } from '../types';
import { RejectedRowsTable } from './RejectedRowsTable';

interface Props {
  dataset: Dataset;
  onClose: () => void;
  onSaved: (dataset: Dataset) => void;
  onDeleted: (id: number) => void;
}

/** Rename a dataset, set its symbol and timeframe, see its import report, delete it. */
export function DatasetDialog({ dataset, onClose, onSaved, onDeleted }: Props) {
  const [name, setName] = useState(dataset.name);
  const [symbol, setSymbol] = useState(dataset.symbol ?? '');
  const [timeframe, setTimeframe] = useState(dataset.timeframe ?? '');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const report = dataset.importReport;
  const save = async () => {
    setError(null);
    try {
      onSaved(await datasetsApi.update(dataset.id, { name, symbol: symbol || null, timeframe: timeframe || null }));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const remove = async () => {
    setError(null);
    try {
      await datasetsApi.remove(dataset.id);
      onDeleted(dataset.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Dialog
      title="Dataset"
      onClose={onClose}
      testId="dataset-dialog"
      footer={
        confirming ? (
          <>
            <span className="grow warn-text">
              Delete &ldquo;{dataset.name}&rdquo; with its {formatCount(dataset.candleCount)} candles and{' '}
              {dataset.annotationCount} spans?
            </span>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              Keep
            </button>
            <button type="button" className="btn danger" onClick={remove} data-testid="confirm-delete-dataset">
              Delete
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn danger" onClick={() => setConfirming(true)}>
              Delete dataset…
            </button>
            <span className="grow" />
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn primary" onClick={save} disabled={!name.trim()}>
              Save
            </button>
          </>
        )
      }
    >
      <label className="field">
        Name
        <input className="input" value={name} onChange={(e) => setName(e.target.value)} aria-label="Dataset name" />
      </label>
      <div className="grid-2">
        <label className="field">
          Symbol
          <input className="input" value={symbol} onChange={(e) => setSymbol(e.target.value)} />
        </label>
        <label className="field">
          Timeframe
          <input
            className="input"
            value={timeframe}
            onChange={(e) => setTimeframe(e.target.value)}
            placeholder="1m, 1h, 1d…"
          />
        </label>
      </div>
      <div className="notice">
        {formatCount(dataset.candleCount)} candles
        {dataset.firstTime !== null && dataset.lastTime !== null
          ? ` · ${formatTime(dataset.firstTime)} → ${formatTime(dataset.lastTime)}`
          : ''}
        {dataset.sourceFile ? ` · from ${dataset.sourceFile}` : ''}
        {dataset.isDemo ? ' · demo sample' : ''}
      </div>
      {report.rejectedCount ? (
        <>
          <div className="faint">{formatCount(report.rejectedCount)} rows were skipped at import:</div>
          <RejectedRowsTable rows={report.rejected ?? []} total={report.rejectedCount} />
        </>
      ) : null}
      {error ? <div className="notice error">{error}</div> : null}
    </Dialog>
  );
}
