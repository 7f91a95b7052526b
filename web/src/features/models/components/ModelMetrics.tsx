'use client';
import { modelsApi } from '../api';
import { classRows, confusionPlot, headlines, pct } from '../lib/modelMetrics';
import type { ModelInfo } from '../types';

/** A version's card: headline figures per split, per-class rows, the confusion matrix. */
export function ModelMetrics({ info }: { info: ModelInfo }) {
  const rows = headlines(info.metrics);
  const confusion = confusionPlot(info.plots);
  return (
    <div className="model-info" data-testid="model-info">
      {rows.length ? (
        <table className="metrics" data-testid="model-headline">
          <thead>
            <tr>
              <th>split</th>
              <th title="per-pattern macro-F1 at each pattern's last candle, background excluded">pattern-F1</th>
              <th title="per-candle balanced accuracy">bal. acc.</th>
              <th title="spans matched at IoU ≥ 0.5">span-F1</th>
              <th title="matched spans whose start and end are both exact">exact bounds</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([split, h]) => (
              <tr key={split}>
                <td>{split}</td>
                <td>{pct(h.patternMacroF1)}</td>
                <td>{pct(h.balancedAccuracy)}</td>
                <td>{pct(h.spanF1)}</td>
                <td>{h.boundaries?.matched ? pct(h.boundaries.exactShare) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <table className="metrics">
        <thead>
          <tr>
            <th>class</th>
            <th>P</th>
            <th>R</th>
            <th>F1</th>
            <th>n</th>
          </tr>
        </thead>
        <tbody>
          {classRows(info.metrics ?? {}).map((r) => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>{pct(r.precision)}</td>
              <td>{pct(r.recall)}</td>
              <td>{pct(r.f1)}</td>
              <td>{r.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {confusion ? (
        // A PNG the model registry serves as it is (an API route behind the session): no
        // resizing or format negotiation for next/image to do.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          alt="Confusion matrix"
          className="plot"
          src={modelsApi.plotUrl(info.version, confusion)}
          data-testid="confusion-plot"
        />
      ) : null}
    </div>
  );
}
