/** Label names compared loosely: case, spaces and punctuation ignored ('Morning Star' = 'morningstar'). */
export function normalizeLabelName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Finds the project label a TA-Lib pattern label ('morningstar') corresponds to. */
export function matchLabel<T extends { name: string }>(patternLabel: string, labels: readonly T[]): T | undefined {
  const key = normalizeLabelName(patternLabel);
  return labels.find((l) => normalizeLabelName(l.name) === key);
}

const AUTO_LABEL_COLORS = [
  '#38bdf8',
  '#fbbf24',
  '#34d399',
  '#f472b6',
  '#a78bfa',
  '#fb7185',
  '#4ade80',
  '#e879f9',
  '#60a5fa',
  '#facc15',
  '#2dd4bf',
  '#fdba74',
];

/** A stable colour for a label created by auto-labelling, chosen from the name. */
export function colorForName(name: string): string {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return AUTO_LABEL_COLORS[(h >>> 0) % AUTO_LABEL_COLORS.length];
}
