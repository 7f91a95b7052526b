/** Where the open dataset is remembered between visits: the URL (`?dataset=`) first, then the browser. */
export const DATASET_KEY = 'candle.dataset';

/**
 * The dataset to open: the current one while it still exists, else the one the URL names, else the
 * last one opened here, else the first. Null when there is none.
 */
export function pickDataset(
  ids: readonly number[],
  current: number | null,
  fromUrl: string | null,
  fromStorage: string | null,
): number | null {
  if (current !== null && ids.includes(current)) return current;
  for (const saved of [fromUrl, fromStorage]) {
    const id = Number(saved);
    if (saved && ids.includes(id)) return id;
  }
  return ids[0] ?? null;
}
