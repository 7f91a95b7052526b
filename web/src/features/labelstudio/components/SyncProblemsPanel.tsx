'use client';
import { useState } from 'react';
import { useResource } from '@/shared/useResource';
import { labelStudioApi } from '../api';
import type { SyncProblem } from '../types';

const when = (ms: number) => new Date(ms).toLocaleString();

function describe(p: SyncProblem): string {
  const parts = [p.action];
  if (p.project) parts.push(`project ${p.project.split('.')[0]}`);
  if (p.task) parts.push(`task ${p.task}`);
  if (p.annotation) parts.push(`annotation ${p.annotation}`);
  return parts.join(' · ');
}

/**
 * Label Studio events the app could not apply (Label Studio never resends a webhook): each with
 * why, a retry (after fixing the cause, e.g. connecting the model so /setup runs) and a dismiss.
 */
export function SyncProblemsPanel({
  hidden,
  onChanged,
  notify,
}: {
  hidden: boolean;
  /** Spans may have changed (a retry applied an event) or the open count did. */
  onChanged: (open: number) => void;
  notify: (kind: 'info' | 'error', message: string) => void;
}) {
  const [showResolved, setShowResolved] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const res = useResource(() => labelStudioApi.problems(showResolved), `${showResolved}:${hidden}`);
  const problems = res.data?.problems ?? [];

  const act = async (p: SyncProblem, kind: 'retry' | 'dismiss') => {
    setBusy(p.id);
    try {
      if (kind === 'retry') {
        const { problem } = await labelStudioApi.retry(p.id);
        notify(
          problem.resolvedAt ? 'info' : 'error',
          problem.resolvedAt ? `Applied: ${describe(problem)}.` : `Still failing: ${problem.message}`,
        );
      } else {
        await labelStudioApi.dismiss(p.id);
        notify('info', `Dismissed: ${describe(p)}.`);
      }
    } catch (error) {
      notify('error', (error as Error).message);
    } finally {
      setBusy(null);
      const next = await res.reload();
      onChanged(next?.open ?? 0);
    }
  };

  return (
    <div className="model-panel" hidden={hidden} data-testid="ls-sync-problems">
      <section className="model-section">
        <h3>Label Studio sync problems</h3>
        <p className="muted" style={{ margin: 0 }}>
          Events from Label Studio that could not be applied here. Label Studio does not send them again: fix the cause,
          then retry.
        </p>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> Show
            resolved
          </label>
          <button type="button" className="btn small ghost" onClick={() => void res.reload()}>
            Refresh
          </button>
        </div>
        {res.error ? <div className="muted">Could not load: {res.error.message}</div> : null}
        {!res.loading && problems.length === 0 ? (
          <div className="muted" data-testid="ls-sync-empty">
            No problems: every Label Studio event was applied.
          </div>
        ) : null}
        <ol className="pred-list" style={{ maxHeight: 420 }} data-testid="ls-sync-list">
          {problems.map((p) => (
            <li key={p.id} data-testid={`ls-sync-problem-${p.id}`}>
              <div>
                <strong>{describe(p)}</strong>
              </div>
              <div className="muted">
                {p.code}: {p.message}
              </div>
              <div className="muted">
                received {when(p.receivedAt)} · {p.attempts} attempt{p.attempts === 1 ? '' : 's'}
                {p.resolvedAt ? ` · ${p.resolution} ${when(p.resolvedAt)}` : ''}
              </div>
              {p.resolvedAt === null ? (
                <div className="row">
                  <button
                    type="button"
                    className="btn small primary"
                    disabled={busy === p.id}
                    onClick={() => void act(p, 'retry')}
                    data-testid="ls-sync-retry"
                  >
                    Retry
                  </button>
                  <button
                    type="button"
                    className="btn small"
                    disabled={busy === p.id}
                    onClick={() => void act(p, 'dismiss')}
                    data-testid="ls-sync-dismiss"
                  >
                    Dismiss
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
