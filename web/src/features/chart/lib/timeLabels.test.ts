import { TickMarkType, type Time, type UTCTimestamp } from 'lightweight-charts';
import { describe, expect, it } from 'vitest';
import { crosshairTimeLabel, tickMarkLabel } from './timeLabels';

const at = (iso: string) => (Date.parse(iso) / 1000) as UTCTimestamp;
// The month as the defaults write it, in this runtime's language.
const jan = new Date(Date.UTC(2029, 0, 1)).toLocaleString(undefined, { month: 'short', timeZone: 'UTC' });
const dec = new Date(Date.UTC(2029, 11, 1)).toLocaleString(undefined, { month: 'short', timeZone: 'UTC' });

describe('time axis labels', () => {
  it("writes the crosshair's label as the chart's default does, in UTC", () => {
    expect(crosshairTimeLabel(at('2029-01-08T06:40:00Z'), true)).toBe(`08 ${jan} '29   06:40`);
    expect(crosshairTimeLabel(at('2029-01-08T06:40:00Z'), false)).toBe(`08 ${jan} '29`);
    expect(crosshairTimeLabel(at('2009-12-31T23:59:59Z'), true)).toBe(`31 ${dec} '09   23:59`);
    expect(crosshairTimeLabel(at('2000-03-05T00:00:00Z'), false)).toMatch(/^05 \S+ '00$/);
  });

  it('writes each kind of tick mark', () => {
    const t = at('2029-12-08T06:05:09Z');
    expect(tickMarkLabel(t, TickMarkType.Year)).toBe('2029');
    expect(tickMarkLabel(t, TickMarkType.Month)).toBe(dec);
    expect(tickMarkLabel(t, TickMarkType.DayOfMonth)).toBe('8');
    expect(tickMarkLabel(t, TickMarkType.Time)).toBe('06:05');
    expect(tickMarkLabel(t, TickMarkType.TimeWithSeconds)).toBe('06:05:09');
  });

  it("leaves times that are not this chart's UTC timestamps to the chart's default", () => {
    const businessDay = { year: 2029, month: 1, day: 8 } as Time;
    expect(tickMarkLabel(businessDay, TickMarkType.Year)).toBeNull();
    expect(crosshairTimeLabel('2029-01-08' as Time, false)).toBe('2029-01-08');
  });
});
