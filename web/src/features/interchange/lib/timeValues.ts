// Why this is not the engine's parser (behaviour the engine's reader does not have): docs/decisions.md,
// "Span import times".
export type TimeUnit = 'auto' | 'ms' | 's' | 'index';

const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

/**
 * Parses a formatted date as UTC: ISO 8601 (with or without time zone; none = UTC),
 * 'YYYY-MM-DD HH:mm[:ss[.sss]]', 'YYYY/MM/DD', and US 'M/D/YYYY[ HH:mm[:ss]]'. Null if unparseable.
 */
export function parseDateUtc(text: string): number | null {
  const s = text.trim();
  let m =
    /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      s,
    );
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', ms = '0', tz] = m;
    let t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, +ms.padEnd(3, '0'));
    if (tz && tz.toUpperCase() !== 'Z') {
      const sign = tz[0] === '-' ? -1 : 1;
      const digits = tz.slice(1).replace(':', '');
      t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
    }
    return Number.isNaN(t) ? null : t;
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const [, mo, d, y, h = '0', mi = '0', sec = '0'] = m;
    return Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
  }
  return null;
}

/**
 * Resolves a span boundary from an import to epoch ms. Numbers (or numeric strings) are epoch
 * ms, epoch seconds or candle indices: with unit 'auto', |v| >= 1e11 is ms, >= 1e8 seconds, and
 * a non-negative integer below the candle count is an index. Other strings are dates (UTC).
 */
export function resolveTimeValue(
  value: number | string,
  candleTimes: ArrayLike<number>,
  unit: TimeUnit = 'auto',
): { time: number } | { error: string } {
  let n: number | null = null;
  if (typeof value === 'number') n = value;
  else if (NUMERIC.test(value.trim())) n = Number(value.trim());
  if (n === null) {
    const t = parseDateUtc(String(value));
    return t === null ? { error: `"${value}" is not a date or number` } : { time: t };
  }
  if (!Number.isFinite(n)) return { error: `${value} is not a finite number` };
  const asIndex = (): { time: number } | { error: string } => {
    if (!Number.isInteger(n) || n! < 0 || n! >= candleTimes.length)
      return { error: `index ${n} is outside the dataset (0–${candleTimes.length - 1})` };
    return { time: candleTimes[n!] };
  };
  switch (unit) {
    case 'ms':
      return { time: Math.round(n) };
    case 's':
      return { time: Math.round(n * 1000) };
    case 'index':
      return asIndex();
    default:
      if (Math.abs(n) >= 1e11) return { time: Math.round(n) };
      if (Math.abs(n) >= 1e8) return { time: Math.round(n * 1000) };
      return asIndex();
  }
}
