import { describe, expect, it } from 'vitest';
import { classRows, confusionPlot, headlines, pct } from './modelMetrics';

const headline = { patternMacroF1: 0.5, balancedAccuracy: 0.6, spanF1: 0.4 };

describe('model metrics', () => {
  it('headlines lists the splits that have headline figures', () => {
    expect(headlines({ validation: { headline }, test: {} })).toEqual([['validation', headline]]);
    expect(headlines(null)).toEqual([]);
  });
  it('classRows reads per-class metrics as a list or a map', () => {
    const row = { precision: 1, recall: 0.5, f1: 0.67, support: 4 };
    expect(classRows({ validation: { perClass: [{ name: 'doji', ...row }] } })).toEqual([{ name: 'doji', ...row }]);
    expect(classRows({ per_class: { doji: row } })).toEqual([{ name: 'doji', ...row }]);
    expect(classRows({})).toEqual([]);
  });
  it('confusionPlot prefers the validation split', () => {
    expect(confusionPlot(['confusion_test.png', 'confusion_validation.png'])).toBe('confusion_validation.png');
    expect(confusionPlot(['confusion_test.png'])).toBe('confusion_test.png');
    expect(confusionPlot(['pr.png'])).toBeUndefined();
  });
  it('pct writes a share as a percentage', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(null)).toBe('—');
  });
});
