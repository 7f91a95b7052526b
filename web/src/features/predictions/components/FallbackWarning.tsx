'use client';
import type { ModelFallback } from '@/features/models';

/** The champion could not be served (damaged files): say which version answers instead, and why. */
export function FallbackWarning({ fallback }: { fallback: ModelFallback }) {
  const wanted = fallback.unavailableVersion
    ? `${fallback.requested} (${fallback.unavailableVersion})`
    : fallback.requested;
  return (
    <p className="notice warn" role="status" data-testid="model-fallback">
      The {wanted} model cannot be served ({fallback.code}: {fallback.reason}). Predictions come from{' '}
      <strong>{fallback.servedVersion}</strong>, the newest intact version, until it is repaired or another version is
      promoted.
    </p>
  );
}
