/**
 * Windowing for a list of fixed-height rows: only the rows near the scroll position are rendered,
 * so a dataset's list of thousands of spans costs what one screenful costs (rendering 2,000 table
 * rows held the first paint of a 10M-candle dataset back by ≈ 0.7 s, `bench/scale`).
 */

/** Rows [first, end) to render for a viewport at `scrollTop` of `viewportHeight` pixels, `overscan` rows either side. */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): { first: number; end: number } {
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight) + overscan;
  const first = Math.min(top, count);
  return { first, end: Math.min(Math.max(bottom, first), count) };
}

/**
 * The scrollTop that brings row `index` fully into a viewport whose top `headerHeight` pixels are
 * covered by a sticky header, or null when it is already in view (the list does not jump).
 */
export function scrollTopToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  headerHeight: number,
): number | null {
  const rowTop = headerHeight + index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop - headerHeight < scrollTop) return rowTop - headerHeight;
  if (rowBottom > scrollTop + viewportHeight) return rowBottom - viewportHeight;
  return null;
}
