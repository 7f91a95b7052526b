/** A Label Studio webhook event that could not be applied, kept for a retry (GET /api/ls/problems). */
export interface SyncProblem {
  id: number;
  action: string;
  /** Label Studio's project uid ("<id>.<created seconds>") or id, when the event named one. */
  project: string | null;
  task: string | null;
  annotation: string | null;
  /** Why it failed (the last attempt): a stable error code and its message. */
  code: string;
  message: string;
  attempts: number;
  receivedAt: number;
  lastTriedAt: number;
  resolvedAt: number | null;
  resolution: 'applied' | 'dismissed' | null;
}
