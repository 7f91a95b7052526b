/** Neighbouring candle times of a dataset (candleRepository.candleClock reads them from SQLite). */
export interface CandleClock {
  /** First candle time >= t, or null. */
  atOrAfter(t: number): number | null;
  /** Last candle time <= t, or null. */
  atOrBefore(t: number): number | null;
  /** Last candle time < t, or null. */
  before(t: number): number | null;
  /** First candle time > t, or null. */
  after(t: number): number | null;
}
