import { describe, expect, it } from 'vitest';
import { colorForName, matchLabel, normalizeLabelName } from './patternLabels';

describe('pattern labels', () => {
  it('match project labels loosely', () => {
    const labels = [{ name: 'morning star' }, { name: 'Engulfing' }, { name: 'doji' }];
    expect(normalizeLabelName('Head and Shoulders!')).toBe('headandshoulders');
    expect(matchLabel('morningstar', labels)?.name).toBe('morning star');
    expect(matchLabel('engulfing', labels)?.name).toBe('Engulfing');
    expect(matchLabel('hikkake', labels)).toBeUndefined();
  });
  it('give stable colours', () => {
    expect(colorForName('hikkake')).toBe(colorForName('hikkake'));
    expect(colorForName('hikkake')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
