import { TickMarkType, type Time } from 'lightweight-charts';
import { pad2 } from '@/shared/format';

// The time axis's labels, as lightweight-charts' defaults write them (crosshair "dd MMM 'yy",
// then "HH:mm" on intraday data; tick marks by their type), read in UTC like the rest of the
// chart. Its default formatters build a new Intl formatter for every label (`toLocaleString`
// with options, twice per crosshair label even where the format has no month name), which
// profiles of zooming showed at ≈ 10 % of the costliest frames: the crosshair label is written
// again in every frame the view moves under a still pointer. Here the month names are read from
// Intl once, and the rest is digits.

let monthNames: string[] | null = null;

/** The browser language's short month names ("Jan" …), as the defaults write them. */
function shortMonth(month: number): string {
  if (!monthNames) {
    const format = new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' }); // one: each costs
    monthNames = Array.from({ length: 12 }, (_, m) => format.format(Date.UTC(2000, m, 1)));
  }
  return monthNames[month];
}

/** The chart's times are UTC timestamps in seconds; anything else is not this chart's. */
function utcDate(time: Time): Date | null {
  return typeof time === 'number' ? new Date(time * 1000) : null;
}

/** The crosshair's label on the time axis: "08 Jan '29", with "   06:40" on intraday data. */
export function crosshairTimeLabel(time: Time, intraday: boolean): string {
  const d = utcDate(time);
  if (!d) return String(time);
  const date = `${pad2(d.getUTCDate())} ${shortMonth(d.getUTCMonth())} '${pad2(d.getUTCFullYear() % 100)}`;
  return intraday ? `${date}   ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}` : date;
}

/** A tick mark's label: the year, the month, the day of the month, or the time of day. */
export function tickMarkLabel(time: Time, type: TickMarkType): string | null {
  const d = utcDate(time);
  if (!d) return null; // the chart's default
  switch (type) {
    case TickMarkType.Year:
      return String(d.getUTCFullYear());
    case TickMarkType.Month:
      return shortMonth(d.getUTCMonth());
    case TickMarkType.DayOfMonth:
      return String(d.getUTCDate());
    case TickMarkType.Time:
      return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
    case TickMarkType.TimeWithSeconds:
      return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    default:
      return null;
  }
}
