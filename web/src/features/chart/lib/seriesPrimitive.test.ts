import { describe, expect, it } from 'vitest';
import { rgba } from './seriesPrimitive';

describe('rgba', () => {
  it('writes #rrggbb with an alpha as a canvas colour', () => {
    expect(rgba('#22c55e', 0.06)).toBe('rgba(34, 197, 94, 0.06)');
    expect(rgba('#ef4444', 1)).toBe('rgba(239, 68, 68, 1)');
    expect(rgba('#000000', 0)).toBe('rgba(0, 0, 0, 0)');
  });

  it('stays right past its cache limit (alphas from confidences are many)', () => {
    for (let i = 0; i < 10_000; i++) {
      const alpha = 0.25 + (0.3 * i) / 10_000;
      expect(rgba('#3b82f6', alpha)).toBe(`rgba(59, 130, 246, ${alpha})`);
    }
    expect(rgba('#22c55e', 0.06)).toBe('rgba(34, 197, 94, 0.06)');
  });
});
