'use client';
import type { RejectedRow } from '../types';

export function RejectedRowsTable({ rows, total }: { rows: RejectedRow[]; total: number }) {
  return (
    <div className="table-scroll" data-testid="rejected-rows">
      <table className="plain-table">
        <thead>
          <tr>
            <th style={{ width: 70 }}>Line</th>
            <th>Why it was rejected</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.row}>
              <td className="mono">{r.row}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
          {total > rows.length ? (
            <tr>
              <td colSpan={2} className="muted">
                … and {total - rows.length} more
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
