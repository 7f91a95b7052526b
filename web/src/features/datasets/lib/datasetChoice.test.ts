import { describe, expect, it } from 'vitest';
import { pickDataset } from './datasetChoice';

describe('pickDataset', () => {
  const ids = [4, 7, 9];
  it('keeps the open dataset while it exists', () => {
    expect(pickDataset(ids, 9, '4', '7')).toBe(9);
  });
  it('then the URL, then the last one opened here, then the first', () => {
    expect(pickDataset(ids, null, '7', '9')).toBe(7);
    expect(pickDataset(ids, 5, '12', '9')).toBe(9);
    expect(pickDataset(ids, null, null, 'x')).toBe(4);
  });
  it('is null when there is no dataset', () => {
    expect(pickDataset([], 3, '3', '3')).toBeNull();
  });
});
