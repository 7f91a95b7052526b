export type CandleRange = { start: number; end: number };

/**
 * The range of candles selected for labelling, kept outside React state. Selecting candles is the
 * most frequent edit, and only three things follow it: the chart's dashed draft, the label picker
 * and the similar-shape panel's query. Each subscribes here, so a selection re-renders those and
 * not the whole workspace (bench/scale: that re-render was the one missed frame per selection).
 */
export class PendingRange {
  private range: CandleRange | null = null;
  private readonly listeners = new Set<() => void>();

  /** The selected range, the same object until it changes (a useSyncExternalStore snapshot). */
  readonly get = (): CandleRange | null => this.range;

  readonly set = (range: CandleRange | null): void => {
    if (range === this.range) return;
    if (range && this.range && range.start === this.range.start && range.end === this.range.end) return;
    this.range = range;
    for (const listener of [...this.listeners]) listener();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}
