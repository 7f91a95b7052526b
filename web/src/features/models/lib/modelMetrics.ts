/**
 * Reading a version's metrics.json for the model card: the headline figures per split and the
 * per-class rows (the file's layout changed over versions: every known shape is read).
 */

export const pct = (x: number | null | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '—');

/** The headline figures of one split. */
export interface HeadlineFigures {
  patternMacroF1: number;
  balancedAccuracy: number;
  spanF1: number;
  boundaries?: { matched: number; exactShare: number; withinOneShare: number };
  perPattern?: Record<string, { f1: number; trueSpans: number; predictedSpans: number }>;
}

export interface ClassRow {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * The headline figures of metrics.json per split (absent for versions trained before them). A
 * fallback version's card may carry no metrics (null): no headline rows then.
 */
export function headlines(metrics: Record<string, unknown> | null): Array<[string, HeadlineFigures]> {
  const out: Array<[string, HeadlineFigures]> = [];
  if (!metrics) return out;
  for (const split of ['validation', 'test']) {
    const h = (metrics[split] as { headline?: HeadlineFigures } | null | undefined)?.headline;
    if (h && typeof h.patternMacroF1 === 'number') out.push([split, h]);
  }
  return out;
}

/** Per-class metrics rows of the validation split (or of the file itself when it has no splits). */
export function classRows(metrics: Record<string, unknown>): ClassRow[] {
  const split = (metrics.validation ?? metrics) as Record<string, unknown>;
  const perClass = (split.perClass ?? split.per_class ?? split.classes) as unknown;
  if (Array.isArray(perClass))
    return perClass.map((c) => ({
      name: c.name ?? c.class ?? c.label,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      support: c.support,
    }));
  if (perClass && typeof perClass === 'object')
    return Object.entries(perClass as Record<string, Omit<ClassRow, 'name'>>).map(([name, c]) => ({
      name,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      support: c.support,
    }));
  return [];
}

/** The confusion-matrix plot to show: the validation split's, else any. */
export function confusionPlot(plots: readonly string[]): string | undefined {
  return plots.find((n) => /confusion/i.test(n) && /valid/i.test(n)) ?? plots.find((n) => /confusion/i.test(n));
}
