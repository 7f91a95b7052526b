import { createHash } from 'node:crypto';

/**
 * Label Studio's project uid, `"<project id>.<created_at in whole seconds>"` — what it sends to
 * /setup and /predict as `project`. Webhooks carry the project object (id + created_at), from
 * which the same uid is computed; without created_at the bare id stands in.
 */
export function projectUidOf(project: { id?: unknown; created_at?: unknown } | string | number | null | undefined) {
  if (project === null || project === undefined) return null;
  if (typeof project !== 'object') return String(project);
  if (project.id === undefined || project.id === null) return null;
  const created = typeof project.created_at === 'string' ? Date.parse(project.created_at) : Number.NaN;
  return Number.isFinite(created) ? `${project.id}.${Math.floor(created / 1000)}` : String(project.id);
}

/** JSON with object keys sorted, so equal data gives equal text whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** The fingerprint of a task's data (SHA-256 of its canonical JSON, 16 bytes as hex). */
export function taskFingerprint(data: unknown): string {
  return createHash('sha256').update(canonical(data)).digest('hex').slice(0, 32);
}
