import { describe, expect, it } from 'vitest';
import { nextUncertainRegion, reviewedAmong } from './activeLearning';

const times = [100, 200, 300, 400, 500];

describe('nextUncertainRegion', () => {
  it('shows the most uncertain candidate not reviewed yet, with the two candles after it', () => {
    expect(nextUncertainRegion([3, 0, 1], [3], times)).toEqual({
      kind: 'region',
      region: { candleIndex: 0, startTime: 100, endTime: 300 },
    });
  });
  it('clips the range at the last candle', () => {
    expect(nextUncertainRegion([4], [], times)).toEqual({
      kind: 'region',
      region: { candleIndex: 4, startTime: 500, endTime: 500 },
    });
  });
  it('maps dataset indices into a predicted range that starts at candle firstIndex', () => {
    // times are candles 1000..1004 of the dataset; candidate 1003 is the 4th of them.
    expect(nextUncertainRegion([1003], [], times, 1000)).toEqual({
      kind: 'region',
      region: { candleIndex: 1003, startTime: 400, endTime: 500 },
    });
  });
  it('says why there is nothing to show', () => {
    expect(nextUncertainRegion([], [], times).kind).toBe('no-output');
    expect(nextUncertainRegion([1], [], []).kind).toBe('no-output');
    expect(nextUncertainRegion([1, 2], [2, 1], times)).toEqual({
      kind: 'all-reviewed',
      message: 'Every uncertain region has been reviewed.',
    });
  });
});

describe('reviewedAmong', () => {
  it('counts only the reviewed regions among the listed candidates', () => {
    expect(reviewedAmong([1, 2, 3], [2, 3, 9])).toBe(2);
    expect(reviewedAmong([], [1])).toBe(0);
  });
});
