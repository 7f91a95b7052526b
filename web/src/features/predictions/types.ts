/**
 * An uncertain region a person has looked at ("next uncertain"), kept per dataset and model
 * version: `candleIndex` is the candidate's candle in the dataset, `startTime`/`endTime` the
 * epoch-ms range that was shown.
 */
export interface ReviewedRegion {
  candleIndex: number;
  startTime: number;
  endTime: number;
  reviewedAt: number;
}
