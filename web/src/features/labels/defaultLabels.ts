/** The label schema a new project starts with; hotkeys 1–9 in order. */
export const DEFAULT_LABELS: ReadonlyArray<{ name: string; color: string; hotkey: number; description: string }> = [
  { name: 'doji', color: '#facc15', hotkey: 1, description: 'Open and close (almost) equal: indecision.' },
  {
    name: 'hammer',
    color: '#22c55e',
    hotkey: 2,
    description: 'Small body at the top, long lower shadow, after a decline.',
  },
  {
    name: 'engulfing',
    color: '#3b82f6',
    hotkey: 3,
    description: 'A body that engulfs the previous candle\u2019s body (bullish or bearish).',
  },
  {
    name: 'morning star',
    color: '#2dd4bf',
    hotkey: 4,
    description: 'Three-candle bullish reversal: long bear, small star, long bull.',
  },
  {
    name: 'evening star',
    color: '#fb923c',
    hotkey: 5,
    description: 'Three-candle bearish reversal: long bull, small star, long bear.',
  },
  {
    name: 'bull flag',
    color: '#a3e635',
    hotkey: 6,
    description: 'Sharp rise (pole) then a tight, slightly falling consolidation.',
  },
  {
    name: 'bear flag',
    color: '#f87171',
    hotkey: 7,
    description: 'Sharp fall (pole) then a tight, slightly rising consolidation.',
  },
  {
    name: 'head and shoulders',
    color: '#c084fc',
    hotkey: 8,
    description: 'Three peaks, the middle highest; neckline break confirms.',
  },
  {
    name: 'double top',
    color: '#f472b6',
    hotkey: 9,
    description: 'Two peaks at about the same level with a trough between.',
  },
];
