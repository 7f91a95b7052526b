'use client';
import type { SaveStatus } from '../lib/annotationStore';

const TEXT: Record<SaveStatus, string> = {
  idle: 'All changes saved',
  saving: 'Saving…',
  saved: 'Saved',
  error: 'Error',
};

/** The autosave state: Saving… / Saved / Error (with the reason on hover). */
export function SaveStatusBadge({
  status,
  message,
  pending,
}: {
  status: SaveStatus;
  message: string | null;
  pending: number;
}) {
  return (
    <span
      className="save-status"
      data-status={status}
      data-testid="save-status"
      title={message ?? (pending ? `${pending} change(s) being saved` : 'Every change is saved as you make it')}
      aria-live="polite"
    >
      <span className="dot" />
      {TEXT[status]}
    </span>
  );
}
