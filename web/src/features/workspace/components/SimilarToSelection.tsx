'use client';
import { useMemo, type ComponentProps } from 'react';
import type { Annotation } from '@/features/annotations';
import { SimilarPanel } from '@/features/similar';
import { usePendingRange } from '../hooks/usePendingRange';
import type { PendingRange } from '../lib/pendingRange';

type Props = Omit<ComponentProps<typeof SimilarPanel>, 'query' | 'queryLabelId'> & {
  pending: PendingRange;
  selectedSpan: Annotation | null;
};

/**
 * The similar-shape panel, its query being the range being labelled, else the selected span.
 * It subscribes to the pending range itself (see SelectionActions).
 */
export function SimilarToSelection({ pending, selectedSpan, ...panel }: Props) {
  const range = usePendingRange(pending);
  const query = useMemo(
    () => range ?? (selectedSpan ? { start: selectedSpan.start, end: selectedSpan.end } : null),
    [range, selectedSpan],
  );
  return <SimilarPanel {...panel} query={query} queryLabelId={selectedSpan?.labelId ?? null} />;
}
