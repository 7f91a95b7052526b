'use client';
import { useRef, useState } from 'react';
import { ApiRequestError } from '@/shared/apiClient';
import { Dialog } from '@/shared/ui/Dialog';
import { exportUrl, interchangeApi } from '../api';
import type { ExportFormat } from '../lib/exportFormats';
import type { SpanImportReport } from '../types';

interface Props {
  datasetId: number | null;
  datasetName: string | null;
  annotator: string;
  onClose: () => void;
  onImported: (report: SpanImportReport) => void | Promise<void>;
}

/** Export spans (JSON / CSV / Label Studio) and import them back (ours or Label Studio's). */
export function ImportExportDialog({ datasetId, datasetName, annotator, onClose, onImported }: Props) {
  const [format, setFormat] = useState<ExportFormat>('json');
  const [scope, setScope] = useState<'dataset' | 'all'>(datasetId !== null ? 'dataset' : 'all');
  const [importFormat, setImportFormat] = useState('auto');
  const [target, setTarget] = useState<'dataset' | 'named'>('named');
  const [timeUnit, setTimeUnit] = useState('auto');
  const [report, setReport] = useState<SpanImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const runImport = async (f: File | undefined) => {
    if (!f) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const r = await interchangeApi.importFile(f, {
        format: importFormat,
        datasetId: target === 'dataset' && datasetId !== null ? datasetId : undefined,
        timeUnit,
        createLabels: true,
        annotator,
      });
      setReport(r);
      await onImported(r);
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : String(e));
    } finally {
      setBusy(false);
      if (file.current) file.current.value = '';
    }
  };

  return (
    <Dialog title="Import / export spans" onClose={onClose} testId="import-export-dialog">
      <div className="panel-section" style={{ padding: 0, border: 0 }}>
        <h3>Export</h3>
        <div className="row wrap">
          <select
            className="select"
            value={format}
            onChange={(e) => setFormat(e.target.value as ExportFormat)}
            aria-label="Export format"
          >
            <option value="json">JSON (span format)</option>
            <option value="csv">CSV (span format)</option>
            <option value="labelstudio">Label Studio JSON</option>
          </select>
          <select
            className="select"
            value={scope}
            onChange={(e) => setScope(e.target.value as 'dataset' | 'all')}
            aria-label="Export scope"
          >
            {datasetId !== null ? <option value="dataset">This dataset ({datasetName})</option> : null}
            <option value="all">All datasets</option>
          </select>
          <a
            className="btn primary"
            href={exportUrl(format, scope === 'dataset' && datasetId !== null ? datasetId : undefined)}
            download
            data-testid="export-link"
          >
            Download
          </a>
        </div>
        <p className="faint" style={{ margin: '6px 0 0' }}>
          Spans as the training pipeline reads them: dataset, symbol, timeframe, start/end (inclusive epoch ms), label,
          source, annotator, timestamps, note, direction.
        </p>
      </div>
      <div className="panel-section" style={{ padding: 0, border: 0 }}>
        <h3>Import</h3>
        <div className="grid-2">
          <label className="field">
            Format
            <select className="select" value={importFormat} onChange={(e) => setImportFormat(e.target.value)}>
              <option value="auto">Detect</option>
              <option value="json">Our JSON</option>
              <option value="csv">Our CSV</option>
              <option value="labelstudio">Label Studio</option>
            </select>
          </label>
          <label className="field">
            Times in the file
            <select className="select" value={timeUnit} onChange={(e) => setTimeUnit(e.target.value)}>
              <option value="auto">Detect (ms, s, index, dates)</option>
              <option value="ms">Epoch milliseconds</option>
              <option value="s">Epoch seconds</option>
              <option value="index">Candle index</option>
            </select>
          </label>
        </div>
        <div className="row wrap" style={{ marginTop: 8 }}>
          <label className="check">
            <input type="radio" checked={target === 'named'} onChange={() => setTarget('named')} /> Datasets named in
            the file
          </label>
          <label className="check">
            <input
              type="radio"
              checked={target === 'dataset'}
              disabled={datasetId === null}
              onChange={() => setTarget('dataset')}
            />{' '}
            All into {datasetName ?? 'this dataset'}
          </label>
        </div>
        <div className="row" style={{ marginTop: 8 }}>
          <button type="button" className="btn" disabled={busy} onClick={() => file.current?.click()}>
            {busy ? 'Importing…' : 'Choose file…'}
          </button>
          <input
            ref={file}
            type="file"
            hidden
            accept=".json,.csv,application/json,text/csv"
            data-testid="import-input"
            onChange={(e) => void runImport(e.target.files?.[0])}
          />
        </div>
        {error ? (
          <div className="notice error" style={{ marginTop: 8 }}>
            {error}
          </div>
        ) : null}
        {report ? (
          <div className="notice ok" style={{ marginTop: 8 }} data-testid="import-report">
            Imported {report.imported} span{report.imported === 1 ? '' : 's'} ({report.format})
            {report.duplicates ? `, ${report.duplicates} already present` : ''}
            {report.createdLabels.length ? `; new labels: ${report.createdLabels.join(', ')}` : ''}.
            {report.skipped.length ? (
              <ul style={{ margin: '6px 0 0', paddingLeft: 18 }}>
                {report.skipped.slice(0, 8).map((s) => (
                  <li key={`${s.position}:${s.reason}`}>
                    item {s.position}: {s.reason}
                  </li>
                ))}
                {report.skipped.length > 8 ? <li>… {report.skipped.length - 8} more skipped</li> : null}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
