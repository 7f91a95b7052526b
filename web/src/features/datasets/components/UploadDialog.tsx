'use client';
import { useEffect, useRef, useState } from 'react';
import { ApiRequestError } from '@/shared/apiClient';
import { formatCount, formatTime } from '@/shared/format';
import { Dialog } from '@/shared/ui/Dialog';
import { datasetsApi, type ReadingOptions } from '../api';
import type { Dataset, ImportPreview } from '../types';
import { ImportReading } from './ImportReading';
import { RejectedRowsTable } from './RejectedRowsTable';

interface Props {
  onClose: () => void;
  onImported: (datasets: Dataset[], skipped: number) => void;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(1)} MB`;
  return `${(n / 1073741824).toFixed(1)} GB`;
}

/**
 * Upload a CSV: the engine's importer reads it (dry run first: detected columns, the time format
 * and number style it read, any ambiguity it settled, series and every rejected row), then the
 * import stores it, read the same way. The date order and number style can be set when the
 * detected reading is wrong or the importer refused to guess. Invalid rows fail the import
 * unless "skip invalid rows" is ticked.
 */
export function UploadDialog({ onClose, onImported }: Props) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [name, setName] = useState('');
  const [symbol, setSymbol] = useState('');
  const [timeframe, setTimeframe] = useState('');
  // A timeframe typed by the user overrides the inferred one; one filled in from a preview follows
  // the file's reading (a different date order can change it).
  const [timeframeTyped, setTimeframeTyped] = useState(false);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [reading, setReading] = useState<ReadingOptions>({});
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);
  const [over, setOver] = useState(false);
  // The server's limit (CANDLE_MAX_UPLOAD_BYTES): a file over it is refused here, before it is
  // sent. Until it is known the server's own check (413) is the only one.
  const [limit, setLimit] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    datasetsApi
      .uploadLimit()
      .then((bytes) => live && setLimit(bytes))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const choose = async (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setName(f.name.replace(/\.(csv|txt|tsv)$/i, ''));
    await readFile(f, reading);
  };

  /** The dry run of `f` read with `how`. */
  const readFile = async (f: File, how: ReadingOptions) => {
    setPreview(null);
    setError(null);
    if (limit !== null && f.size > limit) {
      setError({
        code: 'PAYLOAD_TOO_LARGE',
        message: `The file is ${formatBytes(f.size)}; the limit is ${formatBytes(limit)}.`,
      });
      return;
    }
    setBusy('preview');
    try {
      const p = await datasetsApi.preview(f, {
        symbol: symbol || undefined,
        timeframe: timeframeTyped ? timeframe || undefined : undefined,
        ...how,
      });
      setPreview(p);
      if (!symbol && p.series[0]?.symbol) setSymbol(p.series[0].symbol);
      if (!timeframeTyped) setTimeframe(p.series[0]?.timeframe ?? '');
    } catch (e) {
      setError(
        e instanceof ApiRequestError ? { code: e.code, message: e.message } : { code: 'ERROR', message: String(e) },
      );
    } finally {
      setBusy(null);
    }
  };

  const changeReading = (how: ReadingOptions) => {
    setReading(how);
    if (file) void readFile(file, how);
  };

  const submit = async () => {
    if (!file) return;
    setBusy('import');
    setError(null);
    try {
      // The preview's parse, when the server still has it: the file is not sent again.
      const result = await datasetsApi.upload(
        file,
        {
          name: name || undefined,
          symbol: symbol || undefined,
          timeframe: timeframe || undefined,
          onInvalidRow: skipInvalid ? 'skip' : 'fail',
          ...reading,
        },
        preview?.stagedId,
      );
      onImported(result.datasets, result.rejectedCount);
    } catch (e) {
      setError(
        e instanceof ApiRequestError ? { code: e.code, message: e.message } : { code: 'ERROR', message: String(e) },
      );
    } finally {
      setBusy(null);
    }
  };

  const rejected = preview?.rejectedCount ?? 0;
  const needsSkip = rejected > 0 && !skipInvalid;
  return (
    <Dialog
      title="Upload a CSV"
      onClose={onClose}
      wide
      testId="upload-dialog"
      footer={
        <>
          <span className="grow muted">
            {busy === 'preview' ? 'Reading the file…' : busy === 'import' ? 'Importing…' : ''}
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn primary"
            disabled={!file || busy !== null || (error !== null && !preview) || needsSkip}
            onClick={submit}
            data-testid="upload-submit"
          >
            Import
          </button>
        </>
      }
    >
      <div
        className="dropzone"
        data-over={over}
        role="button"
        tabIndex={0}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void choose(e.dataTransfer.files[0]);
        }}
      >
        <div>
          <b>{file ? file.name : 'Drop a CSV here, or click to choose'}</b>
        </div>
        <div className="faint">
          {file
            ? formatBytes(file.size)
            : `OHLCV with a time column; common exports (Yahoo, ISO dates, epoch, newest-first) are recognised.${limit === null ? '' : ` Max ${formatBytes(limit)}.`}`}
        </div>
        <input
          ref={input}
          type="file"
          accept=".csv,.txt,.tsv,text/csv"
          hidden
          data-testid="upload-input"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </div>

      {error ? (
        <div className="notice error" data-testid="upload-error">
          <b>
            {error.code !== 'IMPORT_FAILED'
              ? 'Cannot import this file'
              : /ambiguous/.test(error.message)
                ? 'The file reads two ways; choose below'
                : 'The file has invalid rows'}
            :
          </b>{' '}
          {error.message}
        </div>
      ) : null}

      {preview ? (
        <div className="notice" data-testid="upload-preview">
          {preview.series.map((s, i) => (
            <div key={i}>
              <b>{formatCount(s.candleCount)} candles</b>
              {s.symbol ? ` · ${s.symbol}` : ''}
              {s.timeframe ? ` · ${s.timeframe}` : ''}
              {s.firstTime !== null && s.lastTime !== null
                ? ` · ${formatTime(s.firstTime)} → ${formatTime(s.lastTime)}`
                : ''}
            </div>
          ))}
          {preview.detected ? (
            <div className="faint">
              Columns:{' '}
              {Object.entries(preview.detected.columns)
                .filter(([, v]) => v)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')}
              {preview.detected.ignoredColumns.length
                ? ` · ignored: ${preview.detected.ignoredColumns.join(', ')}`
                : ''}
              {preview.detected.newestFirst ? ' · newest-first (re-ordered)' : ''} · time format{' '}
              {preview.detected.timeFormat}
            </div>
          ) : null}
        </div>
      ) : null}

      {file && (preview || error?.code === 'IMPORT_FAILED') ? (
        <ImportReading
          detected={preview?.detected}
          reading={reading}
          onChange={changeReading}
          disabled={busy !== null}
        />
      ) : null}

      {rejected > 0 ? (
        <>
          <div className="notice warn">
            {formatCount(rejected)} row{rejected === 1 ? '' : 's'} cannot be imported. Importing fails unless you skip
            them.
          </div>
          <RejectedRowsTable rows={preview!.rejected} total={rejected} />
          <label className="check">
            <input
              type="checkbox"
              checked={skipInvalid}
              onChange={(e) => setSkipInvalid(e.target.checked)}
              data-testid="skip-invalid"
            />
            Skip invalid rows ({formatCount(rejected)}) and import the rest
          </label>
        </>
      ) : null}

      <div className="grid-3">
        <label className="field">
          Name
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Dataset name" />
        </label>
        <label className="field">
          Symbol
          <input className="input" value={symbol} onChange={(e) => setSymbol(e.target.value)} placeholder="e.g. AAPL" />
        </label>
        <label className="field">
          Timeframe
          <input
            className="input"
            value={timeframe}
            onChange={(e) => {
              setTimeframe(e.target.value);
              setTimeframeTyped(true);
            }}
            placeholder="auto (1m, 1h, 1d…)"
          />
        </label>
      </div>
      {needsSkip && file ? <div className="faint">Tick &ldquo;skip invalid rows&rdquo; to import.</div> : null}
    </Dialog>
  );
}
