/** Formatting helpers shared by the UI (times are epoch ms, shown in UTC like the chart). */

/** Two digits: 5 → "05" (dates and times of day). */
export const pad2 = (n: number) => String(n).padStart(2, '0');

export function formatTime(ms: number, timeframe?: string | null): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const daily = timeframe ? /^\d*[dwM]$/.test(timeframe) : d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
  return daily ? date : `${date} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

/** The UTC day of an epoch-ms time, `YYYY-MM-DD` (list rows, where the time of day is noise). */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function formatPrice(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  return v.toFixed(abs >= 1000 ? 2 : abs >= 1 ? 2 : 5);
}

export function formatVolume(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(v / 1e3).toFixed(1)}K`;
  return v.toFixed(0);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatPercent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function relativeTime(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return formatTime(ms);
}

/** Readable text colour on a label-coloured chip. */
export function textOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#0b0e14' : '#f5f7fa';
}

export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
